/** @module Per-source poll state (SourceStateRepo): one record per source id. */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SourceStateRepo } from '../domain/ports.ts';
import type { SourceState } from '../domain/types.ts';
import { batchWrite, putRequest, queryAll, type TableContext } from './batch.ts';
import { allSourcesIndex, GSI1, SCHEMA_VERSION, sourceStateKey } from './keys.ts';
import { parseStored, sourceStateSchema } from './schemas.ts';

export function createSourceStateRepo(ctx: TableContext): SourceStateRepo {
  return {
    async get(sourceId) {
      const out = await ctx.client.send(
        new GetCommand({ TableName: ctx.tableName, Key: sourceStateKey(sourceId) }),
      );
      return out.Item ? parseStored(sourceStateSchema, out.Item, 'source state') : null;
    },

    async list() {
      const items = await queryAll(ctx, {
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': allSourcesIndex('').gsi1pk },
      });
      return items.map((item) => parseStored(sourceStateSchema, item, 'source state'));
    },

    async put(state: SourceState) {
      await ctx.client.send(new PutCommand({ TableName: ctx.tableName, Item: stateItem(state) }));
    },

    async putMany(states) {
      // One write per source in a request (BatchWrite refuses two to one key); the last wins.
      const bySource = new Map(states.map((state) => [state.sourceId, state]));
      await batchWrite(
        ctx,
        [...bySource.values()].map((state) => putRequest(stateItem(state))),
      );
    },

    async setEscalatedAt(sourceId, escalatedAt) {
      // Only this field: the rest of the record belongs to the poll that wrote it.
      await ctx.client.send(
        new UpdateCommand({
          TableName: ctx.tableName,
          Key: sourceStateKey(sourceId),
          ...(escalatedAt === null
            ? { UpdateExpression: 'REMOVE escalatedAt' }
            : {
                UpdateExpression: 'SET escalatedAt = :at',
                ExpressionAttributeValues: { ':at': escalatedAt },
              }),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    },
  };
}

function stateItem(state: SourceState): Record<string, unknown> {
  return {
    ...state,
    ...sourceStateKey(state.sourceId),
    ...allSourcesIndex(state.sourceId),
    entity: 'source-state',
    v: SCHEMA_VERSION,
  };
}
