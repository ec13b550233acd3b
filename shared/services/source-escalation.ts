/**
 * @module Telling staff about a source that keeps failing: once when it reaches
 * `escalation.failuresBeforeEscalation` failed polls in a row, once when it works again.
 *
 * The state lives in the source state record (`failingSince`, `escalatedAt`). Each email is
 * queued in the outbox under an id made from the source and the start of its run of failures,
 * so queueing is idempotent: a crash between queueing and recording `escalatedAt` queues
 * nothing new on the next poll, it only records what is already queued.
 */
import type { SourceState } from '../domain/types.ts';
import type { ServiceDeps } from './service-deps.ts';

/** Renders and queues the email; its module (source-health-mail.ts) loads only when one is due. */
async function queueHealthMail(
  ...args: Parameters<typeof import('./source-health-mail.ts').queueSourceHealthMail>
): Promise<void> {
  const { queueSourceHealthMail } = await import('./source-health-mail.ts');
  await queueSourceHealthMail(...args);
}

/** Checks the sources just polled; never throws (a failure is logged and retried next poll). */
export async function escalateSourceHealth(deps: ServiceDeps, polled: readonly string[]): Promise<void> {
  const settings = deps.config.escalation;
  if (!settings || polled.length === 0) return;
  try {
    const wanted = new Set(polled);
    const states = (await deps.store.sources.list()).filter((state) => wanted.has(state.sourceId));
    for (const state of states) await check(deps, state, settings);
  } catch (error) {
    deps.logger.log('error', 'source escalation not recorded; retried after the next poll', { error });
  }
}

async function check(
  deps: ServiceDeps,
  state: SourceState,
  settings: NonNullable<ServiceDeps['config']['escalation']>,
): Promise<void> {
  const source = deps.config.sources.find((candidate) => candidate.id === state.sourceId);
  if (!source) return;
  const now = deps.clock.now();
  const base = {
    organisation: deps.config.organisation,
    timezone: deps.config.digests.timezone,
    source: { id: source.id, title: source.title ?? source.id, url: source.url },
    dashboardUrl: `${deps.publicUrl}/staff`,
  };
  const failing = state.lastStatus === 'failed';
  if (failing && state.consecutiveFailures >= settings.failuresBeforeEscalation && !state.escalatedAt) {
    const since = state.failingSince ?? state.lastPolledAt ?? now.toISOString();
    await queueHealthMail(
      deps,
      `escalation-${source.id}-${since}`,
      settings.staffEmail,
      {
        ...base,
        event: { kind: 'failing', failures: state.consecutiveFailures, since, lastError: state.lastError },
      },
      now,
    );
    await deps.store.sources.setEscalatedAt(source.id, now.toISOString());
    deps.logger.log('warn', 'source escalated to staff', {
      source: source.id,
      failures: state.consecutiveFailures,
    });
  } else if (!failing && state.lastStatus !== null && state.escalatedAt) {
    await queueHealthMail(
      deps,
      `recovery-${source.id}-${state.escalatedAt}`,
      settings.staffEmail,
      {
        ...base,
        event: { kind: 'recovered', at: state.lastPolledAt ?? now.toISOString(), failedSince: null },
      },
      now,
    );
    await deps.store.sources.setEscalatedAt(source.id, null);
    deps.logger.log('info', 'source recovery reported to staff', { source: source.id });
  }
}
