/**
 * @module The alert listing of docs/contract.md §6: newest first over one or several time-ordered partitions
 * (topic copies, gsi1 all alerts, gsi2 per source), merged and de-duplicated by position, with
 * filters applied while reading so every page but the last is full. `since` and `until` bound
 * the key ranges read (see late-alerts.ts for why `until` needs the late partitions).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertPage, AlertQuery } from '../domain/ports.ts';
import type { Alert } from '../domain/types.ts';
import type { RawItem, TableContext } from './batch.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import {
  alertPosition,
  allAlertsIndex,
  GSI1,
  GSI2,
  instantKey,
  latePartition,
  sourceAlertsIndex,
  topicPartition,
} from './keys.ts';
import { hasLateIndex, lateSplit } from './late-alerts.ts';
import { alertSchema, parseStored } from './schemas.ts';

/** One time-ordered partition: base table (topic copies) or a GSI. */
interface Partition {
  indexName?: string;
  pkName: string;
  skName: string;
  pkValue: string;
}

// '$' sorts right after '#', so this bound is above every `AT#…` position.
const TOP = 'AT$';
const BOTTOM = 'AT#';
const MAX_FETCH = 250;

/** Reads one partition newest first within [lo, hi], a growing page at a time. */
class PartitionReader {
  private buffer: RawItem[] = [];
  private startKey: Record<string, unknown> | undefined;
  private done = false;
  private fetchSize: number;

  constructor(
    private readonly ctx: TableContext,
    private readonly partition: Partition,
    private readonly lo: string,
    private readonly hi: string,
    initialFetch: number,
  ) {
    this.fetchSize = Math.min(Math.max(initialFetch, 1), MAX_FETCH);
  }

  position(item: RawItem): string {
    return String(item[this.partition.skName]);
  }

  async peek(): Promise<RawItem | undefined> {
    while (this.buffer.length === 0 && !this.done) await this.fetch();
    return this.buffer[0];
  }

  shift(): void {
    this.buffer.shift();
  }

  private async fetch(): Promise<void> {
    const { indexName, pkName, skName, pkValue } = this.partition;
    const out = await this.ctx.client.send(
      new QueryCommand({
        TableName: this.ctx.tableName,
        IndexName: indexName,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
        ExpressionAttributeNames: { '#pk': pkName, '#sk': skName },
        ExpressionAttributeValues: { ':pk': pkValue, ':lo': this.lo, ':hi': this.hi },
        ScanIndexForward: false,
        Limit: this.fetchSize,
        ExclusiveStartKey: this.startKey,
      }),
    );
    // A takeover's marked record is not listed (alerts.ts); topic and late copies never carry the marker.
    this.buffer.push(...(out.Items ?? []).filter((item) => item.unlisted === undefined));
    this.startKey = out.LastEvaluatedKey;
    this.done = this.startKey === undefined;
    // Filtered listings may read far; grow the pages instead of paying a round trip per few items.
    this.fetchSize = Math.min(this.fetchSize * 2, MAX_FETCH);
  }
}

function partitionsFor(query: AlertQuery): Partition[] {
  const topics = [...new Set(query.topics ?? [])];
  if (topics.length > 0) {
    return topics.map((topic) => ({ pkName: 'pk', skName: 'sk', pkValue: topicPartition(topic) }));
  }
  if (query.source !== undefined) {
    return [
      {
        indexName: GSI2,
        pkName: 'gsi2pk',
        skName: 'gsi2sk',
        pkValue: sourceAlertsIndex(query.source, '', '').gsi2pk,
      },
    ];
  }
  return [{ indexName: GSI1, pkName: 'gsi1pk', skName: 'gsi1sk', pkValue: allAlertsIndex('', '').gsi1pk }];
}

/** The late partitions mirroring `partitionsFor` (base table, `LATE#…`). */
function latePartitionsFor(query: AlertQuery): Partition[] {
  const topics = [...new Set(query.topics ?? [])];
  const scopes =
    topics.length > 0
      ? topics.map((topic) => `TOPIC#${topic}`)
      : query.source !== undefined
        ? [`SOURCE#${query.source}`]
        : ['ALL'];
  return scopes.map((scope) => ({ pkName: 'pk', skName: 'sk', pkValue: latePartition(scope) }));
}

/** Each partition with the position range to read in it. */
async function rangesFor(
  ctx: TableContext,
  query: AlertQuery,
  lo: string,
  hi: string,
  until: string | null,
): Promise<{ partition: Partition; lo: string; hi: string }[]> {
  const split = until === null ? null : lateSplit(until);
  if (split === null || split > hi || !(await hasLateIndex(ctx))) {
    return partitionsFor(query).map((partition) => ({ partition, lo, hi }));
  }
  // Above the split only late alerts can have changedAt < until (late-alerts.ts). No alert sits
  // exactly at `split` (`AT#<instant>#` with no id), so the two ranges never share an alert.
  const late = latePartitionsFor(query).map((partition) => ({ partition, lo: split > lo ? split : lo, hi }));
  const early = split > lo ? partitionsFor(query).map((partition) => ({ partition, lo, hi: split })) : [];
  return [...late, ...early];
}

function matchesFilters(
  alert: Alert,
  query: AlertQuery,
  since: string | null,
  until: string | null,
): boolean {
  if (query.source !== undefined && alert.source.id !== query.source) return false;
  const changedAt = instantKey(alert.changedAt);
  if (since !== null && changedAt < since) return false;
  if (until !== null && changedAt >= until) return false;
  return true;
}

function boundInstant(value: string | undefined, name: string): string | null {
  if (value === undefined) return null;
  if (Number.isNaN(Date.parse(value))) throw new RangeError(`${name} is not an instant: ${value}`);
  return instantKey(value);
}

export async function listAlerts(ctx: TableContext, query: AlertQuery): Promise<AlertPage> {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 100) {
    throw new RangeError(`limit must be an integer in 1..100, got ${query.limit}`);
  }
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const since = boundInstant(query.since, 'since');
  const until = boundInstant(query.until, 'until');
  const hi = after ? alertPosition(after.detectedAt, after.id) : TOP;
  // changedAt never exceeds detectedAt (docs/contract.md §3 clamps it), so `since` also bounds detection.
  const lo = since ? alertPosition(since, '') : BOTTOM;
  if (lo > hi) return { items: [], nextCursor: null };

  const readers = (await rangesFor(ctx, query, lo, hi, until)).map(
    (range) => new PartitionReader(ctx, range.partition, range.lo, range.hi, query.limit + 1),
  );
  // The first read of every partition at once: the merge below then waits on one at a time.
  await Promise.all(readers.map((reader) => reader.peek()));
  const found: Alert[] = [];
  let lastPosition: string | null = null;
  while (found.length <= query.limit) {
    let best: { reader: PartitionReader; position: string; item: RawItem } | null = null;
    for (const reader of readers) {
      const item = await reader.peek();
      if (item === undefined) continue;
      const position = reader.position(item);
      if (best === null || position > best.position) best = { reader, position, item };
    }
    if (best === null) break;
    best.reader.shift();
    // BETWEEN includes the cursor's own position; an alert on several topics appears once per topic.
    if (best.position === hi || best.position === lastPosition) continue;
    lastPosition = best.position;
    const alert = parseStored(alertSchema, best.item, 'alert');
    if (matchesFilters(alert, query, since, until)) found.push(alert);
  }

  const items = found.slice(0, query.limit);
  const last = items[items.length - 1];
  const nextCursor = found.length > query.limit && last ? encodeCursor(last) : null;
  return { items, nextCursor };
}
