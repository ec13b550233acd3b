/**
 * @module Staff feedback (FeedbackRepo): standing judgements beside their alert
 * (`ALERT#<id>` / `JUDGE#<topic>`) and missed items (`MISSED#<id>`, plus one copy per topic), both
 * listed newest `at` first through gsi1 (`FEEDBACK`) and per topic through gsi2
 * (`FEEDBACK#<topic>`). A judgement replaces the earlier one on the same key with a conditional
 * put (the later `at` wins), so the indexes only ever hold the standing one.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Feedback, MissedItem, StoredJudgement } from '../domain/feedback.ts';
import type { FeedbackQuery, FeedbackRepo } from '../domain/ports.ts';
import {
  batchGet,
  batchWrite,
  conditionalWrite,
  putRequest,
  queryAll,
  type RawItem,
  type TableContext,
} from './batch.ts';
import { InvalidCursorError } from './cursor.ts';
import {
  allFeedbackIndex,
  GSI1,
  GSI2,
  judgementKey,
  judgementPosition,
  missedKey,
  missedPosition,
  missedTopicKey,
  SCHEMA_VERSION,
  topicFeedbackIndex,
} from './keys.ts';
import { bumpListingGeneration } from './listing-generation.ts';
import { parseStored } from './schemas.ts';

const judgementSchema = z.object({
  type: z.literal('judgement'),
  alertId: z.string(),
  topic: z.string(),
  relevant: z.boolean(),
  note: z.string().optional(),
  at: z.string(),
  terms: z.array(z.string()).default([]),
}) satisfies z.ZodType<StoredJudgement, unknown>;

const missedSchema = z.object({
  type: z.literal('missed'),
  id: z.string(),
  title: z.string(),
  url: z.string(),
  summary: z.string().optional(),
  topics: z.array(z.string()),
  at: z.string(),
}) satisfies z.ZodType<MissedItem>;

function parseFeedback(item: RawItem): StoredJudgement | MissedItem {
  return item.type === 'judgement'
    ? parseStored(judgementSchema, item, 'judgement')
    : parseStored(missedSchema, item, 'missed item');
}

// ---------------------------------------------------------------- cursors

const CURSOR_TAG = 'f1|';
// '$' sorts right after '#': above every `AT#…` position.
const TOP = 'AT$';
const BOTTOM = 'AT#';
const POSITION = /^AT#\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#(J#[^#\s]+#[^#\s]+|M#[A-Za-z0-9_-]+)$/;

function encodeCursor(position: string): string {
  return Buffer.from(`${CURSOR_TAG}${position}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor) || cursor.length > 2048) throw new InvalidCursorError();
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.toString('base64url') !== cursor) throw new InvalidCursorError();
  const text = bytes.toString('utf8');
  if (!text.startsWith(CURSOR_TAG)) throw new InvalidCursorError('cursor is from an unknown version');
  const position = text.slice(CURSOR_TAG.length);
  if (!POSITION.test(position) || Number.isNaN(Date.parse(position.slice(3, 27)))) {
    throw new InvalidCursorError();
  }
  return position;
}

function feedbackPartition(topic: string | undefined) {
  return topic === undefined
    ? { indexName: GSI1, pk: 'gsi1pk', sk: 'gsi1sk', value: allFeedbackIndex('').gsi1pk }
    : { indexName: GSI2, pk: 'gsi2pk', sk: 'gsi2sk', value: topicFeedbackIndex(topic, '').gsi2pk };
}

export function createFeedbackRepo(ctx: TableContext): FeedbackRepo {
  return {
    async judge(judgement) {
      const position = judgementPosition(judgement.at, judgement.alertId, judgement.topic);
      const written = await conditionalWrite(
        ctx.client.send(
          new PutCommand({
            TableName: ctx.tableName,
            Item: {
              ...judgement,
              ...judgementKey(judgement.alertId, judgement.topic),
              ...allFeedbackIndex(position),
              ...topicFeedbackIndex(judgement.topic, position),
              entity: 'judgement',
              v: SCHEMA_VERSION,
            },
            // Latest wins even when two writers race: an older `at` never replaces a newer one.
            ConditionExpression: 'attribute_not_exists(pk) OR #at <= :at',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':at': judgement.at },
          }),
        ),
      );
      // A judgement shows in alert documents and the Atom feeds (listing-generation.ts).
      if (written) await bumpListingGeneration(ctx);
      return written;
    },

    async judgementsOf(alerts) {
      const keys = alerts.flatMap((alert) =>
        [...new Set(alert.topics)].map((topic) => judgementKey(alert.id, topic)),
      );
      const found = new Map<string, StoredJudgement[]>();
      if (keys.length === 0) return found;
      for (const item of await batchGet(ctx, keys)) {
        const judgement = parseStored(judgementSchema, item, 'judgement');
        const list = found.get(judgement.alertId) ?? [];
        list.push(judgement);
        found.set(judgement.alertId, list);
      }
      return found;
    },

    async addMissed(item) {
      const position = missedPosition(item.at, item.id);
      // Topic copies first, the main record last: it is listed only once fully indexed.
      await batchWrite(
        ctx,
        [...new Set(item.topics)].map((topic) =>
          putRequest({
            ...item,
            ...missedTopicKey(item.id, topic),
            ...topicFeedbackIndex(topic, position),
            entity: 'missed-topic',
            v: SCHEMA_VERSION,
          }),
        ),
      );
      await batchWrite(ctx, [
        putRequest({
          ...item,
          ...missedKey(item.id),
          ...allFeedbackIndex(position),
          entity: 'missed',
          v: SCHEMA_VERSION,
        }),
      ]);
    },

    async list(query: FeedbackQuery) {
      if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 100) {
        throw new RangeError(`limit must be an integer in 1..100, got ${query.limit}`);
      }
      const hi = query.cursor ? decodeCursor(query.cursor) : TOP;
      const partition = feedbackPartition(query.topic);
      const found: RawItem[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await ctx.client.send(
          new QueryCommand({
            TableName: ctx.tableName,
            IndexName: partition.indexName,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
            ExpressionAttributeNames: { '#pk': partition.pk, '#sk': partition.sk },
            ExpressionAttributeValues: { ':pk': partition.value, ':lo': BOTTOM, ':hi': hi },
            ScanIndexForward: false,
            Limit: query.limit + 2,
            ExclusiveStartKey: start,
          }),
        );
        // BETWEEN includes the cursor's own position.
        found.push(...(out.Items ?? []).filter((item) => item[partition.sk] !== hi));
        start = out.LastEvaluatedKey;
      } while (start && found.length <= query.limit);
      const page = found.slice(0, query.limit);
      const last = page[page.length - 1];
      const nextCursor = found.length > query.limit && last ? encodeCursor(String(last[partition.sk])) : null;
      return { items: page.map(parseFeedback), nextCursor };
    },

    async all(topic) {
      const partition = feedbackPartition(topic);
      const items = await queryAll(ctx, {
        IndexName: partition.indexName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': partition.pk },
        ExpressionAttributeValues: { ':pk': partition.value },
        ScanIndexForward: false,
      });
      const judgements: StoredJudgement[] = [];
      const missed: MissedItem[] = [];
      for (const item of items) {
        const parsed: Feedback = parseFeedback(item);
        if (parsed.type === 'judgement') judgements.push(parsed as StoredJudgement);
        else missed.push(parsed);
      }
      return { judgements, missed };
    },
  };
}
