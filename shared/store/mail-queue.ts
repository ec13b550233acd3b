/**
 * @module The outbox queue (MailQueueRepo): one record per queued email, `MAIL#<id>` / `MAIL`.
 *
 * Access patterns: the request that queues a mail does one put; a drain reads what is due with
 * one query on gsi1 (`MAIL-DUE`, sorted by `<dueAt>#<id>`, bounded by the key condition), claims
 * each with a conditional update, then records the outcome. The due-index attributes are removed
 * when a mail is finished (sent, skipped or given up), so the index only ever holds live mail,
 * and the finished record carries `expiresAt` for DynamoDB TTL (dynalite keeps it: harmless).
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { MailOutcome, MailQueueRepo, QueuedMail } from '../domain/ports.ts';
import { conditionalWrite, type TableContext } from './batch.ts';
import {
  DUE_MAIL_PARTITION,
  dueMailIndex,
  GSI1,
  instantKey,
  queuedMailKey,
  SCHEMA_VERSION,
  TTL_ATTRIBUTE,
} from './keys.ts';
import { parseStored } from './schemas.ts';

/** Finished mail is kept this long (for staff and logs) before TTL removes it on AWS. */
const KEEP_FINISHED_SECONDS = 14 * 24 * 3600;

const outcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('sent'), messageId: z.string() }),
  z.object({ status: z.literal('skipped'), reason: z.string() }),
  z.object({ status: z.literal('failed'), error: z.string() }),
]);

const queuedMailSchema = z.object({
  id: z.string(),
  kind: z.string(),
  from: z.string(),
  to: z.string(),
  raw: z.instanceof(Uint8Array).transform((bytes) => Buffer.from(bytes)),
  enqueuedAt: z.string(),
  dueAt: z.string(),
  attempts: z.number().int().default(0),
  claimedAt: z.string().nullable().default(null),
  lastError: z.string().nullable().default(null),
  outcome: outcomeSchema.nullable().default(null),
});

const parse = (item: Record<string, unknown>) => parseStored(queuedMailSchema, item, 'queued mail');

export function createMailQueueRepo(ctx: TableContext): MailQueueRepo {
  return {
    async enqueue(mail) {
      return conditionalWrite(
        ctx.client.send(
          new PutCommand({
            TableName: ctx.tableName,
            Item: {
              ...mail,
              raw: new Uint8Array(mail.raw),
              dueAt: instantKey(mail.dueAt),
              attempts: 0,
              ...queuedMailKey(mail.id),
              ...dueMailIndex(mail.dueAt, mail.id),
              entity: 'queued-mail',
              v: SCHEMA_VERSION,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async due(now, limit) {
      const out = await ctx.client.send(
        new QueryCommand({
          TableName: ctx.tableName,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :until',
          // `#` sorts before `$`: every `<dueAt>#<id>` with dueAt <= now.
          ExpressionAttributeValues: { ':pk': DUE_MAIL_PARTITION, ':until': `${instantKey(now)}$` },
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map((item): QueuedMail => {
        const { outcome: _outcome, ...mail } = parse(item);
        return mail;
      });
    },

    async claim(id, claimedAt, staleBefore) {
      return conditionalWrite(
        ctx.client.send(
          new UpdateCommand({
            TableName: ctx.tableName,
            Key: queuedMailKey(id),
            UpdateExpression: 'SET claimedAt = :at',
            ConditionExpression:
              'attribute_exists(gsi1pk) AND dueAt <= :at AND ' +
              '(attribute_not_exists(claimedAt) OR claimedAt < :stale)',
            ExpressionAttributeValues: { ':at': instantKey(claimedAt), ':stale': instantKey(staleBefore) },
          }),
        ),
      );
    },

    async finish(id, outcome: MailOutcome, at, attempts) {
      await ctx.client.send(
        new UpdateCommand({
          TableName: ctx.tableName,
          Key: queuedMailKey(id),
          UpdateExpression:
            'SET outcome = :outcome, finishedAt = :at, attempts = :attempts, #ttl = :ttl ' +
            'REMOVE gsi1pk, gsi1sk, claimedAt',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':outcome': outcome,
            ':at': at,
            ':attempts': attempts,
            ':ttl': Math.ceil(Date.parse(at) / 1000) + KEEP_FINISHED_SECONDS,
          },
        }),
      );
    },

    async retryLater(id, attempts, dueAt, error) {
      const index = dueMailIndex(dueAt, id);
      await ctx.client.send(
        new UpdateCommand({
          TableName: ctx.tableName,
          Key: queuedMailKey(id),
          UpdateExpression:
            'SET attempts = :attempts, dueAt = :dueAt, lastError = :error, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk ' +
            'REMOVE claimedAt',
          ExpressionAttributeValues: {
            ':attempts': attempts,
            ':dueAt': instantKey(dueAt),
            ':error': error,
            ':gsi1pk': index.gsi1pk,
            ':gsi1sk': index.gsi1sk,
          },
        }),
      );
    },

    async get(id) {
      const out = await ctx.client.send(
        new GetCommand({ TableName: ctx.tableName, Key: queuedMailKey(id), ConsistentRead: true }),
      );
      return out.Item ? parse(out.Item) : null;
    },
  };
}
