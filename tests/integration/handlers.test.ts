/**
 * The Lambda handlers, invoked with AWS-shaped events (tests/fixtures/events) against dynalite,
 * the SES emulator and a stand-in SQS endpoint; SST links come in through `SST_RESOURCE_*`
 * variables, exactly as the SST runtime passes them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LambdaEvent } from 'hono/aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeSubscriber } from '../support/builders.ts';
import type { TestStore } from '../support/dynalite.ts';
import { recordedFeedSources, recordedFeeds } from '../support/fixture-server.ts';
import { useDynalite, useFixtureServer, useTestSes } from '../support/hooks.ts';

const EVENTS = resolve(import.meta.dirname, '../fixtures/events');
const event = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(EVENTS, name), 'utf8')) as Record<string, unknown>;

const SUBSCRIBER = 'reader@example.org';
const STAFF_KEY = 'staff-key-for-handler-tests';

type Handlers = {
  api: typeof import('../../functions/api.ts');
  poll: typeof import('../../functions/poll.ts');
  worker: typeof import('../../functions/worker.ts');
  digest: typeof import('../../functions/digest.ts');
  mail: typeof import('../../functions/mail.ts');
};

const fixtures = useFixtureServer(recordedFeeds);
const dynalite = useDynalite();
const ses = useTestSes({ clearEachTest: true });
/** One table for the file: the handlers cache their deps, table name included. */
let db: TestStore;
let sqs: { url: string; bodies: string[]; close(): Promise<void> };
let dir = '';
let handlers: Handlers;

/** Just enough of SQS's JSON protocol for SendMessageBatch (the SDK checks each body's MD5). */
async function startFakeSqs(): Promise<typeof sqs> {
  const bodies: string[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    request.on('end', () => {
      const input = JSON.parse(text) as { Entries: { Id: string; MessageBody: string }[] };
      bodies.push(...input.Entries.map((entry) => entry.MessageBody));
      const Successful = input.Entries.map((entry) => ({
        Id: entry.Id,
        MessageId: randomUUID(),
        MD5OfMessageBody: createHash('md5').update(entry.MessageBody).digest('hex'),
      }));
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ Successful, Failed: [] }));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

beforeAll(async () => {
  [db, sqs] = await Promise.all([dynalite.newStore(), startFakeSqs()]);
  dir = mkdtempSync(join(tmpdir(), 'pw-handlers-'));
  const configPath = join(dir, 'watch.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      organisation: { name: 'Test org', contact: 'policy@example.org' },
      sources: recordedFeedSources(fixtures),
      topics: [{ id: 'data', title: 'Data protection', query: '"data protection" OR meters' }],
      digests: { from: 'alerts@example.org' },
      // One source at a time inline: two due sources make the poll function fan out.
      polling: { concurrency: 1 },
    }),
  );
  const links: Record<string, unknown> = {
    App: { name: 'policy-watch', stage: 'test' },
    Table: { name: db.tableName },
    Email: { sender: 'alerts@example.org' },
    StaffApiKeys: { value: STAFF_KEY },
    SigningSecret: { value: 'a-signing-secret-of-enough-length' },
    Api: { url: 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-2.on.aws' },
    PollQueue: { url: `${sqs.url}/123456789012/policy-watch-test-PollQueue` },
    SesFeedback: { arn: FEEDBACK_TOPIC },
  };
  for (const [name, value] of Object.entries(links))
    process.env[`SST_RESOURCE_${name}`] = JSON.stringify(value);
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-2',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SQS: sqs.url,
    DYNAMODB_ENDPOINT: db.endpoint,
    SES_ENDPOINT: ses.endpoint,
    POLICY_WATCH_CONFIG: configPath,
    // Quiet: the handlers log JSON lines, which would otherwise fill the test run's output.
    AWS_LAMBDA_LOG_LEVEL: 'FATAL',
  });
  handlers = {
    api: await import('../../functions/api.ts'),
    poll: await import('../../functions/poll.ts'),
    worker: await import('../../functions/worker.ts'),
    digest: await import('../../functions/digest.ts'),
    mail: await import('../../functions/mail.ts'),
  };
});

/**
 * Every case starts from the same state, so each runs alone (`-t`) or in any order: an empty
 * table (the handlers' cached deps keep its name) with one confirmed immediate subscriber, and
 * nothing queued.
 */
beforeEach(async () => {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.client.send(
      new ScanCommand({ TableName: db.tableName, ProjectionExpression: 'pk, sk', ExclusiveStartKey: start }),
    );
    const keys = page.Items ?? [];
    for (let at = 0; at < keys.length; at += 25) {
      await db.client.send(
        new BatchWriteCommand({
          RequestItems: {
            [db.tableName]: keys.slice(at, at + 25).map((Key) => ({ DeleteRequest: { Key } })),
          },
        }),
      );
    }
    start = page.LastEvaluatedKey;
  } while (start);
  sqs.bodies.length = 0;
  const now = new Date(Date.now() - 60_000).toISOString();
  await db.store.subscribers.create(
    makeSubscriber({ email: SUBSCRIBER, topics: ['data'], frequency: 'immediate', createdAt: now }),
  );
});

afterAll(async () => {
  await sqs?.close();
  rmSync(dir, { recursive: true, force: true });
});

function sqsEvent(bodies: { messageId: string; body: string }[]) {
  const template = event('sqs-poll-message.json') as { Records: Record<string, unknown>[] };
  const [record] = template.Records;
  return { Records: bodies.map((body) => ({ ...record, ...body })) };
}

function urlRequest(path: string, query = '', headers: Record<string, string> = {}): LambdaEvent {
  const base = event('function-url-get.json') as {
    headers: Record<string, string>;
    requestContext: { http: Record<string, string> };
  };
  return {
    ...base,
    rawPath: path,
    rawQueryString: query,
    headers: { ...base.headers, ...headers },
    requestContext: { ...base.requestContext, http: { ...base.requestContext.http, path } },
  } as unknown as LambdaEvent;
}

/** Both configured sources, as the poll function fans them out. */
const FAN_OUT = [
  { messageId: 'poll-bills', body: JSON.stringify({ sourceId: 'bills' }) },
  { messageId: 'poll-changes', body: JSON.stringify({ sourceId: 'changes' }) },
];

const FEEDBACK_TOPIC = 'arn:aws:sns:eu-west-2:123456789012:policy-watch-test-SesFeedback';

describe('Lambda handlers', () => {
  it('accept SES feedback from the linked SNS topic only', async () => {
    const { lambdaDeps } = await import('../../functions/lambda-wiring.ts');
    const { deps } = await lambdaDeps();
    expect(deps.snsTopicArns).toEqual([FEEDBACK_TOPIC]);
  });

  it('poll: a scheduled event fans the due sources out, one message each', async () => {
    const result = await handlers.poll.handler(event('eventbridge-scheduled-event.json'));
    expect(result).toEqual({ queued: 2, polled: 0, alerts: 0 });
    expect(
      sqs.bodies.map((body) => JSON.parse(body)).sort((a, b) => a.sourceId.localeCompare(b.sourceId)),
    ).toEqual([{ sourceId: 'bills' }, { sourceId: 'changes' }]);
  });

  it('worker: polls each queued source and mails the immediate digest', async () => {
    const result = await handlers.worker.handler(sqsEvent(FAN_OUT));
    expect(result).toEqual({ batchItemFailures: [] });
    const alerts = await db.store.alerts.list({ limit: 100 });
    expect(alerts.items.length).toBeGreaterThan(0);
    const mail = await ses.emailsTo(SUBSCRIBER);
    expect(mail.length).toBeGreaterThan(0);
    expect(mail.at(-1)?.subject).toMatch(/^\[Test org\] \d+ new alerts?: Data protection$/);
  });

  it('worker: drops messages for removed sources, reports malformed ones for retry', async () => {
    const result = await handlers.worker.handler(
      sqsEvent([
        { messageId: 'gone', body: '{"sourceId":"removed-source"}' },
        { messageId: 'broken', body: 'not json' },
      ]),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'broken' }] });
  });

  it('poll: nothing due right after a poll, nothing queued', async () => {
    await handlers.worker.handler(sqsEvent(FAN_OUT));
    const before = sqs.bodies.length;
    expect(await handlers.poll.handler(event('eventbridge-scheduled-event.json'))).toEqual({
      queued: 0,
      polled: 0,
      alerts: 0,
    });
    expect(sqs.bodies.length).toBe(before);
  });

  it('api: answers Function URL requests, public and staff', async () => {
    await handlers.worker.handler(sqsEvent(FAN_OUT));
    const health = await handlers.api.handler(urlRequest('/api/health'));
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });

    const alerts = await handlers.api.handler(urlRequest('/api/alerts', 'limit=1'));
    expect(alerts.statusCode).toBe(200);
    expect((JSON.parse(alerts.body) as { items: unknown[] }).items).toHaveLength(1);

    const denied = await handlers.api.handler(urlRequest('/api/subscribers'));
    expect(denied.statusCode).toBe(401);
    const staff = await handlers.api.handler(
      urlRequest('/api/subscribers', '', { authorization: `Bearer ${STAFF_KEY}` }),
    );
    expect(staff.statusCode).toBe(200);
    expect(JSON.parse(staff.body)).toMatchObject({ items: [{ email: SUBSCRIBER, status: 'confirmed' }] });
  });

  it('digest: takes the frequency from the schedule input or a rule event detail', async () => {
    const daily = await handlers.digest.handler(event('scheduler-input-daily.json'));
    expect(daily).toEqual({ sent: [], failed: [], skipped: 0 });
    const weekly = await handlers.digest.handler(event('eventbridge-scheduled-event-weekly.json'));
    expect(weekly).toEqual({ sent: [], failed: [], skipped: 0 });
    await expect(handlers.digest.handler(event('eventbridge-scheduled-event.json'))).rejects.toThrow();
  });

  it('mail: the one-minute drain sends what the API queued', async () => {
    const request = urlRequest('/api/subscriptions') as unknown as {
      headers: Record<string, string>;
      requestContext: { http: Record<string, string> };
    };
    const body = JSON.stringify({ email: 'queued@example.org', topics: ['data'], frequency: 'daily' });
    const posted = await handlers.api.handler({
      ...request,
      body,
      headers: { ...request.headers, 'content-type': 'application/json' },
      requestContext: { ...request.requestContext, http: { ...request.requestContext.http, method: 'POST' } },
    } as unknown as LambdaEvent);
    expect(posted.statusCode).toBe(202);
    expect(await ses.emailsTo('queued@example.org')).toHaveLength(0);
    expect(await handlers.mail.handler({})).toMatchObject({ sent: 1, failed: 0 });
    expect(await ses.emailsTo('queued@example.org')).toHaveLength(1);
  });
});

describe('Lambda handlers: malformed events are logged and rejected', () => {
  const sqsBatch = () => event('sqs-poll-message.json');
  const urlGet = () => event('function-url-get.json');
  it.each([
    ['poll', 'an SQS batch', () => handlers.poll.handler(sqsBatch())],
    ['poll', 'a string', () => handlers.poll.handler('tick')],
    ['mail', 'a Function URL request', () => handlers.mail.handler(urlGet())],
    ['mail', 'null', () => handlers.mail.handler(null)],
    [
      'digest',
      'a scheduled event without a frequency',
      () => handlers.digest.handler(event('eventbridge-scheduled-event.json')),
    ],
    ['digest', 'an unknown frequency', () => handlers.digest.handler({ frequency: 'hourly' })],
    ['worker', 'a scheduled event', () => handlers.worker.handler(event('eventbridge-scheduled-event.json'))],
    ['worker', 'a record without a body', () => handlers.worker.handler({ Records: [{ messageId: 'm1' }] })],
    [
      'api',
      'an event without requestContext.http',
      () => handlers.api.handler({ ...urlGet(), requestContext: {} } as unknown as LambdaEvent),
    ],
    [
      'api',
      'a scheduled event',
      () => handlers.api.handler(event('eventbridge-scheduled-event.json') as unknown as LambdaEvent),
    ],
  ])('%s: %s', async (name, _, run) => {
    await expect(run()).rejects.toThrow(new RegExp(`^${name}: malformed event: `));
  });

  it("mail: a rule's scheduled event and an empty scheduler input are both accepted", async () => {
    await expect(handlers.mail.handler(event('eventbridge-scheduled-event.json'))).resolves.toMatchObject({
      failed: 0,
    });
    await expect(handlers.mail.handler({})).resolves.toMatchObject({ failed: 0 });
  });
});
