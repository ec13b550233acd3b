/**
 * @module Cited legislation kept between runs (LegislationRepo): each cited Act's contents
 * (`ACT#<id>` / `CONTENTS`), the titles polls have seen for Acts (`ACT#<id>` / `TITLE#…`), and
 * the citations read from each factsheet's own document (`FACTSHEET#<id>` / `PAGE-CITATIONS`).
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { normaliseTitle } from '../domain/citation-text.ts';
import type { LegislationRepo } from '../domain/ports.ts';
import type { ActContents, PageCitations } from '../domain/types.ts';
import { batchWrite, queryAll, type TableContext } from './batch.ts';
import {
  actContentsKey,
  actTitleKey,
  allActContentsIndex,
  allActTitlesIndex,
  allPageCitationsIndex,
  GSI1,
  pageCitationsKey,
  SCHEMA_VERSION,
} from './keys.ts';
import { parseStored } from './schemas.ts';

const nullableString = z.string().nullable();

const contentsSchema = z.object({
  id: z.string(),
  title: nullableString,
  containers: z.record(z.string(), z.array(z.string())).nullable(),
  fetchedAt: nullableString,
  lastAttemptAt: z.string(),
  error: nullableString,
}) satisfies z.ZodType<ActContents>;

const pageCitationsSchema = z.object({
  factsheetId: z.string(),
  url: z.string(),
  citations: z.array(z.object({ ref: z.string(), text: z.string() })),
  readAt: nullableString,
  lastAttemptAt: z.string(),
  error: nullableString,
}) satisfies z.ZodType<PageCitations>;

const titleSchema = z.object({ actId: z.string(), title: z.string() });

async function gsi1All(ctx: TableContext, pk: string) {
  return queryAll(ctx, {
    IndexName: GSI1,
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': pk },
  });
}

export function createLegislationRepo(ctx: TableContext): LegislationRepo {
  const put = (item: Record<string, unknown>) =>
    ctx.client.send(new PutCommand({ TableName: ctx.tableName, Item: { ...item, v: SCHEMA_VERSION } }));
  return {
    async contents(actId) {
      const out = await ctx.client.send(
        new GetCommand({ TableName: ctx.tableName, Key: actContentsKey(actId) }),
      );
      return out.Item ? parseStored(contentsSchema, out.Item, 'act contents') : null;
    },

    async allContents() {
      const items = await gsi1All(ctx, allActContentsIndex('').gsi1pk);
      return items.map((item) => parseStored(contentsSchema, item, 'act contents'));
    },

    async putContents(contents) {
      await put({
        ...contents,
        ...actContentsKey(contents.id),
        ...allActContentsIndex(contents.id),
        entity: 'act-contents',
      });
    },

    async titles() {
      const items = await gsi1All(ctx, allActTitlesIndex('', '').gsi1pk);
      const titles = new Map<string, string>();
      for (const item of items) {
        const { actId, title } = parseStored(titleSchema, item, 'act title');
        titles.set(normaliseTitle(title), actId);
      }
      return titles;
    },

    async putTitles(entries) {
      const unique = new Map(entries.map((entry) => [`${entry.id}\n${entry.title}`, entry]));
      await batchWrite(
        ctx,
        [...unique.values()].map(({ id, title }) => ({
          PutRequest: {
            Item: {
              actId: id,
              title,
              ...actTitleKey(id, title),
              ...allActTitlesIndex(id, title),
              entity: 'act-title',
              v: SCHEMA_VERSION,
            },
          },
        })),
      );
    },

    async pageCitations() {
      const items = await gsi1All(ctx, allPageCitationsIndex('').gsi1pk);
      return items.map((item) => parseStored(pageCitationsSchema, item, 'page citations'));
    },

    async putPageCitations(record) {
      await put({
        ...record,
        ...pageCitationsKey(record.factsheetId),
        ...allPageCitationsIndex(record.factsheetId),
        entity: 'page-citations',
      });
    },
  };
}
