/**
 * @module Late-alert copies: what makes `until` a key bound. `changedAt ≤ detectedAt` always
 * (clamped), so `since` bounds detection directly; `until` does not, because an alert detected
 * today can carry an old `changedAt`. But an alert detected at or after `until + LATE_LAG_MS` can
 * only satisfy `changedAt < until` if it lags by more than LATE_LAG_MS, and such alerts also have
 * a copy in the late partitions. So an `until` listing reads the late partitions above that
 * split point and the ordinary ones only below it.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Alert } from '../domain/types.ts';
import { batchWrite, putRequest, type RawItem, type TableContext } from './batch.ts';
import {
  allAlertsIndex,
  isListedAlert,
  type Key,
  LATE_LAG_MS,
  lateAlertKey,
  lateIndexMarkerKey,
  SCHEMA_VERSION,
} from './keys.ts';
import { alertSchema, parseStored } from './schemas.ts';

/** Lags at least LATE_LAG_MS (an unreadable date counts as late: the copy only costs a write). */
export function isLate(alert: Pick<Alert, 'changedAt' | 'detectedAt'>): boolean {
  const lag = Date.parse(alert.detectedAt) - Date.parse(alert.changedAt);
  return !(lag < LATE_LAG_MS);
}

/** The late copies an alert needs (none when it is not late). */
export function lateKeys(alert: Alert): Key[] {
  if (!isLate(alert)) return [];
  const scopes = ['ALL', `SOURCE#${alert.source.id}`, ...new Set(alert.topics.map((t) => `TOPIC#${t}`))];
  return scopes.map((scope) => lateAlertKey(scope, alert.detectedAt, alert.id));
}

/** Lowest listing position only late alerts can hold for this `until` (an instant key), or null. */
export function lateSplit(until: string): string | null {
  const split = Date.parse(until) + LATE_LAG_MS;
  if (!Number.isFinite(split) || split > 8.64e15) return null;
  return `AT#${new Date(split).toISOString()}#`;
}

const ready = new WeakMap<TableContext, true>();

/** True once the late partitions are complete; listings fall back to filtering until then. */
export async function hasLateIndex(ctx: TableContext): Promise<boolean> {
  if (ready.has(ctx)) return true;
  const out = await ctx.client.send(new GetCommand({ TableName: ctx.tableName, Key: lateIndexMarkerKey }));
  if (out.Item === undefined) return false;
  ready.set(ctx, true);
  return true;
}

/**
 * Gives every stored alert its late copies, once per table (alerts created by this version
 * write their own): reads the all-alerts index and writes the missing copies, then the marker.
 * Idempotent and safe to interrupt.
 */
export async function indexLateAlerts(ctx: TableContext): Promise<void> {
  if (await hasLateIndex(ctx)) return;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ctx.client.send(
      new QueryCommand({
        TableName: ctx.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': allAlertsIndex('', '').gsi1pk },
        ExclusiveStartKey: start,
      }),
    );
    const writes = (out.Items ?? []).filter(isListedAlert).flatMap((item) => lateCopies(item));
    await batchWrite(ctx, writes.map(putRequest));
    start = out.LastEvaluatedKey;
  } while (start);
  await ctx.client.send(
    new PutCommand({
      TableName: ctx.tableName,
      Item: { ...lateIndexMarkerKey, entity: 'meta', v: SCHEMA_VERSION, at: new Date().toISOString() },
    }),
  );
  ready.set(ctx, true);
}

function lateCopies(stored: RawItem): RawItem[] {
  const alert = parseStored(alertSchema, stored, 'alert');
  return lateKeys(alert).map((key) => ({ ...alert, ...key, entity: 'alert-late', v: SCHEMA_VERSION }));
}
