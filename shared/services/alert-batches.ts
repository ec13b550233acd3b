/**
 * @module A poll cycle's new alerts, created in calls shared by the sources being polled at the
 * same time. `AlertRepo.createMany` costs a few requests whatever its size (one BatchGet of the
 * ids, a conditional put per claim, BatchWrites of the copies and the listed records, one bump of
 * the listing generation), so the bench's 10% round (20 changed feeds, one alert each) makes
 * about 40 alert requests instead of 100. Each source still awaits its own alerts before it
 * records its versions, so a crash anywhere leaves nothing lost or doubled (alerts.ts).
 *
 * When a shared call fails, each source's alerts are created again on their own, so a source
 * whose alert the store refuses fails alone. The failed call may already have listed some of the
 * others' alerts; those still count as this cycle's new alerts (they were not listed when the
 * shared call began), so the poll report and the immediate digest it triggers miss none.
 */
import type { AlertRepo } from '../domain/ports.ts';
import type { Alert } from '../domain/types.ts';
import { coalesce } from '../system/coalesce.ts';

/** What polling a source needs of the alerts. */
export type AlertWrites = Pick<AlertRepo, 'createMany'>;

// One BatchGetItem reads 100 ids: a batch of at most that many alerts reads its ids in one.
const CREATE_BATCH = 100;

type Outcome = { created: boolean[] } | { error: unknown };

/** `concurrency`: the cycle's bound on sources polled at once, which also bounds shared calls. */
export function sharedAlertWrites(
  repo: Pick<AlertRepo, 'createMany' | 'listedIds'>,
  concurrency: number,
): AlertWrites {
  const create = coalesce(
    async (batches: (readonly Alert[])[]): Promise<Outcome[]> => {
      const all = batches.flat();
      const listed = await repo.listedIds(all.map((alert) => alert.id));
      try {
        const created = await repo.createMany(all, listed);
        let offset = 0;
        return batches.map((alerts) => {
          offset += alerts.length;
          return { created: created.slice(offset - alerts.length, offset) };
        });
      } catch (error) {
        if (batches.length === 1) return [{ error }];
      }
      return Promise.all(
        batches.map((alerts) =>
          repo.createMany(alerts, listed).then(
            () => ({ created: alerts.map((alert) => !listed.has(alert.id)) }),
            (error: unknown) => ({ error }),
          ),
        ),
      );
    },
    { maxBatch: CREATE_BATCH, maxInFlight: concurrency, weight: (alerts) => alerts.length },
  );
  return {
    async createMany(alerts) {
      if (alerts.length === 0) return [];
      const outcome = await create(alerts);
      if ('error' in outcome) throw outcome.error;
      return outcome.created;
    },
  };
}
