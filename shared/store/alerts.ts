/**
 * @module Alerts (AlertRepo). One record per alert (`ALERT#<id>`, carrying the gsi1 "all" and
 * gsi2 per-source orderings) plus one full copy per topic (`TOPIC#<topic>` / `AT#…`), so each
 * listing is a single-partition range read. No transactions (dynalite has none): copies are
 * written first, each only if absent, and the main record last, so the alert exists once it is
 * fully indexed and a re-run after a crash completes what is missing.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Alert } from '../domain/types.ts';
import type { AlertRepo } from '../ports.ts';
import { listAlerts } from './alert-listing.ts';
import {
  batchGet,
  batchWrite,
  isConditionalFailure,
  putRequest,
  queryAll,
  type TableContext,
} from './batch.ts';
import {
  alertKey,
  alertPosition,
  allAlertsIndex,
  SCHEMA_VERSION,
  sourceAlertsIndex,
  topicAlertKey,
  topicPartition,
} from './keys.ts';
import { alertSchema, parseStored } from './schemas.ts';

export { InvalidCursorError } from './cursor.ts';

const parse = (item: Record<string, unknown>) => parseStored(alertSchema, item, 'alert');

/** Puts an item only when its key is absent. True when written. */
async function putIfAbsent(ctx: TableContext, item: Record<string, unknown>): Promise<boolean> {
  try {
    await ctx.client.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalFailure(error)) return false;
    throw error;
  }
}

const MAIN_WRITERS = 4;

function topicCopies(alert: Alert): Record<string, unknown>[] {
  return [...new Set(alert.topics)].map((topic) => ({
    ...alert,
    ...topicAlertKey(topic, alert.detectedAt, alert.id),
    entity: 'alert-topic',
    v: SCHEMA_VERSION,
  }));
}

function mainRecord(alert: Alert): Record<string, unknown> {
  return {
    ...alert,
    ...alertKey(alert.id),
    ...allAlertsIndex(alert.detectedAt, alert.id),
    ...sourceAlertsIndex(alert.source.id, alert.detectedAt, alert.id),
    entity: 'alert',
    v: SCHEMA_VERSION,
  };
}

export function createAlertRepo(ctx: TableContext): AlertRepo {
  return {
    async create(alert) {
      // Conditional copies never overwrite what an earlier run indexed.
      await Promise.all(topicCopies(alert).map((copy) => putIfAbsent(ctx, copy)));
      return putIfAbsent(ctx, mainRecord(alert));
    },

    async createMany(alerts) {
      if (alerts.length === 0) return [];
      // Alerts whose main record exists are complete already (it is written last).
      const existing = new Set(
        (
          await batchGet(
            ctx,
            alerts.map((alert) => alertKey(alert.id)),
          )
        ).map((item) => String(item.id)),
      );
      const fresh = alerts.filter((alert) => !existing.has(alert.id));
      // A copy at the same key can only come from an interrupted run for the same alert
      // (its id and detection time are in the key), so rewriting it changes nothing.
      await batchWrite(ctx, fresh.flatMap(topicCopies).map(putRequest));
      const created = new Set<string>();
      // A few at a time: a cycle runs many sources at once, each with its own batch.
      const queue = [...fresh];
      const worker = async () => {
        for (let alert = queue.shift(); alert; alert = queue.shift()) {
          if (await putIfAbsent(ctx, mainRecord(alert))) created.add(alert.id);
        }
      };
      await Promise.all(Array.from({ length: Math.min(MAIN_WRITERS, queue.length) }, worker));
      return alerts.map((alert) => created.has(alert.id));
    },

    async get(id) {
      const out = await ctx.client.send(new GetCommand({ TableName: ctx.tableName, Key: alertKey(id) }));
      return out.Item ? parse(out.Item) : null;
    },

    list(query) {
      return listAlerts(ctx, query);
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
  };
}
