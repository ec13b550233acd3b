/** Marking and reading deliveries go in batches: a crash mid-marking no longer leaves 100 separate writes. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient, createDynamoStore } from '#shared/store/index.ts';
import { deliveryKey } from '#shared/store/keys.ts';
import { useDynalite } from '../support/hooks.ts';

const db = useDynalite();

describe('delivery batches', () => {
  it('marks 100 alerts in 4 BatchWrite requests and reads 150 deliveries and the claims of 3 subscribers in 2', async () => {
    const { tableName } = await db.newStore();
    const client = createDocumentClient({ endpoint: db.endpoint, region: 'eu-west-2' });
    const commands: string[] = [];
    client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countCommands' },
    );
    const store = createDynamoStore({ client, tableName });
    const ids = Array.from({ length: 100 }, (_, i) => `alert-${i}`);
    const at = '2026-11-26T08:00:00.000Z';
    await store.deliveries.markSent('a@example.org', ids, 'msg-1', at, at);
    expect(commands).toEqual(Array(4).fill('BatchWriteItemCommand'));

    commands.length = 0;
    const asked = ['a@example.org', 'b@example.org', 'c@example.org'].map((email) => ({
      email,
      alertIds: ids.slice(0, 50),
    }));
    const states = await store.deliveries.deliveryStates(asked, at);
    expect(commands).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand']);
    expect(states.get('a@example.org')?.done.size).toBe(50);
    expect(states.get('b@example.org')?.done.size).toBe(0);
    expect((await store.deliveries.list('a@example.org')).every((d) => d.messageId === 'msg-1')).toBe(true);
    client.destroy();
  });

  it('still honours a claim made one alert at a time (a record without a message id) while live', async () => {
    const { tableName } = await db.newStore();
    const client = createDocumentClient({ endpoint: db.endpoint, region: 'eu-west-2' });
    const store = createDynamoStore({ client, tableName });
    const claimedAt = '2026-11-26T08:00:00.000Z';
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...deliveryKey('old@example.org', 'a1'), email: 'old@example.org', alertId: 'a1', claimedAt },
      }),
    );
    const read = async (staleBefore: string) =>
      (
        await store.deliveries.deliveryStates([{ email: 'old@example.org', alertIds: ['a1'] }], staleBefore)
      ).get('old@example.org');
    expect(await read('2026-11-26T07:45:00.000Z')).toMatchObject({
      done: new Set(['a1']),
      held: new Set(['a1']),
    });
    expect(await read('2026-11-26T08:00:00.001Z')).toMatchObject({ done: new Set(), held: new Set() });
    client.destroy();
  });
});
