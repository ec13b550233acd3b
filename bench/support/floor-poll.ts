/**
 * @module The floor of a poll round: what any implementation on this project's fixed stack must do,
 * and nothing else. It starts the embedded store as policy-watch does (dynalite in a worker thread,
 * reached through the AWS SDK's DynamoDB document client), then for each source makes the
 * conditional GET with undici; parses a changed feed with rss-parser, reads its entries' stored
 * versions (one BatchGet per source) and writes the new and changed ones; parses a page with
 * parse5 and reads its region's lines exactly as
 * policy-watch does, and writes the items and per-source states in batches of 25. No config file,
 * no validation, no change detection, topics, alerts, logging or report.
 *
 * `npm run bench -- rounds` runs it (bundled like the command line) beside `policy-watch poll`, so a
 * round shows how much of policy-watch's time is the stack's own and how much is policy-watch's.
 *
 *   node floor-poll.mjs <data dir> <sources.json>
 * sources.json: `{ "kind": "feed" | "page", "select"?: string, "sources": [{ "id", "url" }] }`
 *
 * No topics are matched and no alert is made, so for a round with changed feeds it is a lower
 * bound rather than the same work.
 */
import { readFileSync } from 'node:fs';
import { startStoreWorker } from '../../functions/local/embedded-store.ts';

interface FloorSources {
  kind: 'feed' | 'page';
  select?: string;
  sources: { id: string; url: string }[];
}

const [dataDir, sourcesFile] = process.argv.slice(2);
if (!dataDir || !sourcesFile) throw new Error('usage: floor-poll <data dir> <sources.json>');
const spec = JSON.parse(readFileSync(sourcesFile, 'utf8')) as FloorSources;
const TABLE = 'policy-watch';

// The store's worker first, loading dynalite on the other core while this thread loads the rest
// (as `policy-watch poll` does).
const worker = startStoreWorker();
const [
  { BatchGetCommand, BatchWriteCommand, QueryCommand },
  { createDocumentClient, ensureTable },
  keys,
  undici,
  html,
  feed,
] = await Promise.all([
  import('@aws-sdk/lib-dynamodb'),
  import('../../shared/store/client.ts'),
  import('../../shared/store/keys.ts'),
  import('../../shared/sources/fetch/undici-core.ts'),
  spec.kind === 'page' ? import('./floor-page.ts') : null,
  spec.kind === 'feed' ? import('./floor-feed.ts') : null,
]);
const { allSourcesIndex, GSI1, itemKey, sourceStateKey } = keys;
const { Agent, request } = undici;
const store = await worker.open({ dataDir, port: 0 });
const client = createDocumentClient({
  region: 'eu-west-2',
  endpoint: store.endpoint,
  transport: store.transport,
});
await ensureTable(client, TABLE);

// Every source's validators, in one query of the index policy-watch lists them by.
const states = new Map<string, { etag?: string }>();
let start: Record<string, unknown> | undefined;
do {
  const page = await client.send(
    new QueryCommand({
      TableName: TABLE,
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': allSourcesIndex('').gsi1pk },
      ...(start ? { ExclusiveStartKey: start } : {}),
    }),
  );
  for (const item of page.Items ?? []) states.set(String(item.sourceId), item as { etag?: string });
  start = page.LastEvaluatedKey;
} while (start);

const agent = new Agent({ keepAliveTimeout: 4000 });
const writes: Record<string, unknown>[] = [];
const pending: Promise<unknown>[] = [];
const flush = (all: boolean) => {
  while (writes.length >= 25 || (all && writes.length > 0)) {
    const batch = writes.splice(0, 25).map((Item) => ({ PutRequest: { Item } }));
    pending.push(client.send(new BatchWriteCommand({ RequestItems: { [TABLE]: batch } })));
  }
};

// As the bench's config allows policy-watch: 4 requests at a time per host, 32 in all.
const queues = new Map<string, { id: string; url: string }[]>();
for (const source of spec.sources) {
  const host = new URL(source.url).host;
  queues.set(host, [...(queues.get(host) ?? []), source]);
}
const now = new Date().toISOString();
async function pollOne(source: { id: string; url: string }): Promise<void> {
  const etag = states.get(source.id)?.etag;
  const response = await request(agent, source.url, {
    method: 'GET',
    headers: { accept: '*/*', 'accept-encoding': 'identity', ...(etag ? { 'if-none-match': etag } : {}) },
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  if (response.statusCode === 200 && html) {
    const lines = html.regionLines(body.toString('utf8'), spec.select ?? 'main');
    writes.push({
      ...itemKey(source.id, source.url),
      sourceId: source.id,
      key: source.url,
      linesText: lines.join('\n'),
      firstSeenAt: now,
      lastSeenAt: now,
    });
  }
  if (response.statusCode === 200 && feed) {
    const entries = await feed.feedEntries(body.toString('utf8'));
    const stored = new Map<string, unknown>();
    for (let from = 0; from < entries.length; from += 100) {
      const Keys = entries.slice(from, from + 100).map((entry) => ({ ...itemKey(source.id, entry.key) }));
      let asked: Record<string, { Keys: Record<string, unknown>[] }> | undefined = { [TABLE]: { Keys } };
      while (asked && Object.keys(asked).length > 0) {
        const out = await client.send(new BatchGetCommand({ RequestItems: asked }));
        for (const item of out.Responses?.[TABLE] ?? []) stored.set(String(item.key), item.version);
        asked = out.UnprocessedKeys as typeof asked;
      }
    }
    for (const entry of entries) {
      if (stored.get(entry.key) === entry.version) continue;
      writes.push({
        ...itemKey(source.id, entry.key),
        sourceId: source.id,
        key: entry.key,
        version: entry.version,
        firstSeenAt: now,
        lastSeenAt: now,
      });
    }
  }
  const header = response.headers.etag;
  writes.push({
    ...sourceStateKey(source.id),
    ...allSourcesIndex(source.id),
    sourceId: source.id,
    url: source.url,
    etag: typeof header === 'string' ? header : (etag ?? null),
    lastPolledAt: now,
    lastStatus: response.statusCode === 304 ? 'not-modified' : 'changed',
  });
  flush(false);
}
await Promise.all(
  [...queues.values()].flatMap((queue) =>
    Array.from({ length: 4 }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await pollOne(next);
    }),
  ),
);
flush(true);
await Promise.all(pending);
await agent.close();
await store.close();
process.stdout.write(`${JSON.stringify({ sources: spec.sources.length })}\n`);
