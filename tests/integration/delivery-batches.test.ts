/** Marking and reading deliveries go in batches: a crash mid-marking no longer leaves 100 separate writes. */

import { describe, expect, it } from 'vitest';
import { createDocumentClient, createDynamoStore } from '#shared/store/index.ts';
import { useDynalite } from '../support/hooks.ts';

const db = useDynalite();

describe('delivery batches', () => {
  it('marks 100 alerts in 4 BatchWrite requests and reads 150 deliveries of 3 subscribers in 2', async () => {
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
    const done = await store.deliveries.deliveredMany(asked, at);
    expect(commands).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand']);
    expect(done.get('a@example.org')?.size).toBe(50);
    expect(done.get('b@example.org')?.size).toBe(0);
    expect((await store.deliveries.list('a@example.org')).every((d) => d.messageId === 'msg-1')).toBe(true);
    client.destroy();
  });
});
