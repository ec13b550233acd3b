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
import { isConditionalFailure, queryAll, type TableContext } from './batch.ts';
import {
  alertKey,
  alertPosition,
  allAlertsIndex,
  GSI2,
  SCHEMA_VERSION,
  sourceAlertsIndex,
  topicAlertKey,
  topicPartition,
} from './keys.ts';
import { alertSchema, parseStored } from './schemas.ts';

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

export function createAlertRepo(ctx: TableContext): AlertRepo {
  return {
    async create(alert) {
      // Conditional copies never overwrite what an earlier run indexed.
      await Promise.all(
        [...new Set(alert.topics)].map((topic) =>
          putIfAbsent(ctx, {
            ...alert,
            ...topicAlertKey(topic, alert.detectedAt, alert.id),
            entity: 'alert-topic',
            v: SCHEMA_VERSION,
          }),
        ),
      );
      return putIfAbsent(ctx, {
        ...alert,
        ...alertKey(alert.id),
        ...allAlertsIndex(alert.detectedAt, alert.id),
        ...sourceAlertsIndex(alert.source.id, alert.detectedAt, alert.id),
        entity: 'alert',
        v: SCHEMA_VERSION,
      });
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
        .map((item) => ({ position: String(item.gsi2sk), alert: parse(item) }))
        .sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0))
        .map(({ alert }) => alert);
    },
  };
}
