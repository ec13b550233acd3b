/**
 * @module Alerts (AlertRepo). One record per alert (`ALERT#<id>`, carrying the gsi1 "all" and
 * gsi2 per-source orderings) plus one full copy per topic (`TOPIC#<topic>` / `AT#<detectedAt>#<id>`),
 * so each listing is a single-partition range read. No transactions (dynalite has none), so a
 * create is three idempotent steps and a crash between any two is completed by the next poll
 * (which detects the same change again, since item versions are recorded after their alerts):
 * 1. claim the id: the record without its listing keys, only if absent (the claim fixes the
 *    `detectedAt`, hence the position, of every copy);
 * 2. put the topic (and late) copies at that position (deterministic keys: a rewrite overwrites);
 * 3. put the record again with its listing keys: from here on the alert exists (`get`, every listing).
 * A re-run that finds a listed record changes nothing. One that finds a claim a crashed run left
 * moves it to its own `detectedAt` (deleting the copies at the old position), so nothing is
 * listed twice and the alert is not placed behind a digest watermark that passed meanwhile.
 *
 * The move first purges the old position's index entries. dynalite (the embedded store) writes a
 * put's index entries before the item, as separate LevelDB writes, and deletes only the entries
 * the stored item's keys point at: a run killed inside step 3 can leave gsi1/gsi2 entries at the
 * old position while the record still has no listing keys, and moving the record would leave
 * them behind (the alert listed twice). So the takeover puts the old record WITH its listing keys
 * and the `unlisted` marker (the stale entries are overwritten by marked ones, which every read
 * skips: `isListedAlert`), then the new claim without keys, which makes dynalite delete them. A
 * marked record is a crashed claim like any other. On DynamoDB an item and its GSI entries change
 * together, so there the extra put is harmless.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertRepo } from '../domain/ports.ts';
import type { Alert } from '../domain/types.ts';
import { forEachLimited } from '../system/pool.ts';
import { listAlerts } from './alert-listing.ts';
import {
  batchGet,
  batchWrite,
  conditionalWrite,
  deleteRequest,
  putRequest,
  queryAll,
  type TableContext,
} from './batch.ts';
import {
  alertKey,
  alertPosition,
  allAlertsIndex,
  GSI2,
  instantKey,
  isListedAlert,
  SCHEMA_VERSION,
  sourceAlertsIndex,
  topicAlertKey,
  topicPartition,
} from './keys.ts';
import { indexLateAlerts, lateKeys } from './late-alerts.ts';
import { bumpListingGeneration, readListingGeneration } from './listing-generation.ts';
import { alertSchema, parseStored } from './schemas.ts';

const parse = (item: Record<string, unknown>) => parseStored(alertSchema, item, 'alert');

/** Puts an item only when its key is absent. True when written. */
async function putIfAbsent(ctx: TableContext, item: Record<string, unknown>): Promise<boolean> {
  return conditionalWrite(
    ctx.client.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

/** The record before it is listed: no gsi keys, so no listing or `get` shows it yet. */
const claimRecord = (alert: Alert) => ({
  ...alert,
  ...alertKey(alert.id),
  entity: 'alert',
  v: SCHEMA_VERSION,
});

/** The listing keys of step 3. */
const listingKeys = (alert: Alert) => ({
  ...allAlertsIndex(alert.detectedAt, alert.id),
  ...sourceAlertsIndex(alert.source.id, alert.detectedAt, alert.id),
});

/** Every copy of the alert: one per topic, plus its late copies (late-alerts.ts). */
const copies = (alert: Alert) => [
  ...[...new Set(alert.topics)].map((topic) => ({
    key: topicAlertKey(topic, alert.detectedAt, alert.id),
    entity: 'alert-topic',
  })),
  ...lateKeys(alert).map((key) => ({ key, entity: 'alert-late' })),
];

async function readRecord(ctx: TableContext, id: string): Promise<Record<string, unknown> | undefined> {
  const out = await ctx.client.send(
    new GetCommand({ TableName: ctx.tableName, Key: alertKey(id), ConsistentRead: true }),
  );
  return out.Item;
}

/** Step 1: true when this call holds the claim (fresh, or taken over from a crashed run). */
async function claim(ctx: TableContext, alert: Alert): Promise<boolean> {
  if (await putIfAbsent(ctx, claimRecord(alert))) return true;
  const stored = await readRecord(ctx, alert.id);
  if (stored === undefined) throw new Error(`alert ${alert.id} vanished while being created`);
  if (isListedAlert(stored)) return false;
  const earlier = parse(stored);
  if (instantKey(earlier.detectedAt) !== instantKey(alert.detectedAt)) {
    // Index entries a killed step 3 may have left at the old position: replaced by marked ones
    // here, deleted by the claim put below (see the module comment).
    const marked = { ...claimRecord(earlier), ...listingKeys(earlier), unlisted: true };
    await ctx.client.send(new PutCommand({ TableName: ctx.tableName, Item: marked }));
    await batchWrite(
      ctx,
      copies(earlier).map(({ key }) => deleteRequest(key)),
    );
  }
  await ctx.client.send(new PutCommand({ TableName: ctx.tableName, Item: claimRecord(alert) }));
  return true;
}

/** Claims a few at a time: a cycle runs many sources at once, each with its own batch. */
const WRITERS = 4;

/** Step 2: the topic and late copies, at keys fixed by the claimed `detectedAt`. */
const copyItems = (alert: Alert) =>
  copies(alert).map(({ key, entity }) => ({ ...alert, ...key, entity, v: SCHEMA_VERSION }));

/**
 * Step 3: the record again, now with its listing keys; from here on every listing and `get` shows
 * it. A whole put, not an update: the claim holder knows the record exactly (it is the claim plus
 * these keys), so `createMany` lists its whole batch in BatchWrites instead of one request each.
 */
const listedRecord = (alert: Alert) => ({ ...claimRecord(alert), ...listingKeys(alert) });

/** The three steps of a create (see the module comment). True when this call listed it. */
async function createOne(ctx: TableContext, alert: Alert): Promise<boolean> {
  if (!(await claim(ctx, alert))) return false;
  await batchWrite(ctx, copyItems(alert).map(putRequest));
  await ctx.client.send(new PutCommand({ TableName: ctx.tableName, Item: listedRecord(alert) }));
  return true;
}

async function listedIds(ctx: TableContext, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const found = await batchGet(
    ctx,
    ids.map((id) => alertKey(id)),
  );
  return new Set(found.filter(isListedAlert).map((item) => String(item.id)));
}

export function createAlertRepo(ctx: TableContext): AlertRepo {
  return {
    async create(alert) {
      const created = await createOne(ctx, alert);
      // Listing generation (listing-generation.ts): after the listing keys, and also when the
      // alert was already listed (a retry after a crash between listing and this bump).
      await bumpListingGeneration(ctx);
      return created;
    },

    async createMany(alerts, known) {
      if (alerts.length === 0) return [];
      // A listed record is complete: one batched read finds those, which need no write at all.
      const ids = alerts.map((alert) => alert.id);
      const listed = known ?? (await listedIds(ctx, ids));
      // The same three steps as `create`, each step for the whole batch before the next.
      const claimed: Alert[] = [];
      await forEachLimited(
        alerts.filter((alert) => !listed.has(alert.id)),
        WRITERS,
        async (alert) => {
          if (await claim(ctx, alert)) claimed.push(alert);
        },
      );
      await batchWrite(ctx, claimed.flatMap(copyItems).map(putRequest));
      await batchWrite(ctx, claimed.map(listedRecord).map(putRequest));
      // Listing generation: as in `create`, once for the batch.
      await bumpListingGeneration(ctx);
      const created = new Set(claimed.map((alert) => alert.id));
      return alerts.map((alert) => created.has(alert.id));
    },

    listedIds(ids) {
      return listedIds(ctx, ids);
    },

    async get(id) {
      const out = await ctx.client.send(new GetCommand({ TableName: ctx.tableName, Key: alertKey(id) }));
      // A claim not yet listed (or left by a crash) is not an alert yet.
      return out.Item !== undefined && isListedAlert(out.Item) ? parse(out.Item) : null;
    },

    list(query) {
      return listAlerts(ctx, query);
    },

    prepareListings() {
      return indexLateAlerts(ctx);
    },

    listingGeneration() {
      return readListingGeneration(ctx);
    },

    async listDetectedSince(topics, detectedFrom) {
      const from = alertPosition(detectedFrom, '');
      const perTopic = await Promise.all(
        [...new Set(topics)].map((topic) =>
          queryAll(ctx, {
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :top',
            ExpressionAttributeValues: { ':pk': topicPartition(topic), ':from': from, ':top': 'AT$' },
          }),
        ),
      );
      const byPosition = new Map<string, Alert>();
      for (const item of perTopic.flat()) {
        const position = String(item.sk);
        if (!byPosition.has(position)) byPosition.set(position, parse(item));
      }
      return [...byPosition.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, alert]) => alert);
    },

    async listSourcesDetectedSince(sourceIds, detectedFrom) {
      const from = alertPosition(detectedFrom, '');
      const perSource = await Promise.all(
        [...new Set(sourceIds)].map((sourceId) =>
          queryAll(ctx, {
            IndexName: GSI2,
            KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :top',
            ExpressionAttributeValues: {
              ':pk': sourceAlertsIndex(sourceId, '', '').gsi2pk,
              ':from': from,
              ':top': 'AT$',
            },
          }),
        ),
      );
      return perSource
        .flat()
        .filter(isListedAlert)
        .map((item) => ({ position: String(item.gsi2sk), alert: parse(item) }))
        .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0))
        .map(({ alert }) => alert);
    },
  };
}
