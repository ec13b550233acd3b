/**
 * The SST deployment, checked without AWS or the SST CLI: SST's globals are stubbed with
 * constructors that record their arguments, then `sst.config.ts` runs as `sst deploy` would.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_DEFINITION } from '#shared/store/keys.ts';
import { writeConfigFile } from '../support/cli.ts';

interface Created {
  type: string;
  name: string;
  args: Record<string, unknown>;
  self: Stub;
}
interface Stub {
  name: string;
  url: string;
  arn: string;
  subscriptions: { subscriber: Record<string, unknown>; args: Record<string, unknown> }[];
}

const created: Created[] = [];
const root = resolve(import.meta.dirname, '../..');
let dir = '';
let app: (input: { stage: string }) => Record<string, unknown> = () => ({});
let appConfig: Record<string, unknown> = {};
let outputs: Record<string, unknown> = {};

function component(type: string) {
  return class implements Stub {
    name: string;
    url: string;
    arn: string;
    sender: string;
    subscriptions: Stub['subscriptions'] = [];
    constructor(name: string, args: Record<string, unknown> = {}) {
      this.name = `${name}-name`;
      // Function URLs end with a slash, as AWS returns them.
      this.url = `https://${name}.example/`;
      this.arn = `arn:aws:test:${name}`;
      this.sender = String(args.sender ?? '');
      created.push({ type, name, args, self: this });
    }
    subscribe(subscriber: Record<string, unknown>, args: Record<string, unknown> = {}) {
      this.subscriptions.push({ subscriber, args });
    }
  };
}

function find(type: string, name: string): Created {
  const found = created.find((entry) => entry.type === type && entry.name === name);
  if (!found) throw new Error(`no ${type} ${name}`);
  return found;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pw-infra-'));
  const configPath = writeConfigFile(join(dir, 'watch.json'), {
    organisation: { name: 'Test org', contact: 'policy@example.org' },
    digests: {
      from: 'alerts@example.org',
      timezone: 'Europe/London',
      daily: '0 7 * * *',
      weekly: '30 8 * * 5',
    },
  });
  process.env.POLICY_WATCH_CONFIG = configPath;
  Object.assign(globalThis, {
    $config: (input: unknown) => input,
    $app: { name: 'policy-watch', stage: 'test' },
    $interpolate: (parts: TemplateStringsArray, ...values: unknown[]) =>
      parts.reduce(
        (out, part, index) => out + part + (index < values.length ? String(values[index]) : ''),
        '',
      ),
    sst: {
      Secret: component('Secret'),
      aws: {
        Dynamo: component('Dynamo'),
        Email: component('Email'),
        Function: component('Function'),
        Queue: component('Queue'),
        CronV2: component('CronV2'),
        SnsTopic: component('SnsTopic'),
      },
    },
    aws: {
      ses: { IdentityNotificationTopic: component('IdentityNotificationTopic') },
      sns: { TopicSubscription: component('TopicSubscription') },
    },
  });
  const mod = (await import(pathToFileURL(join(root, 'sst.config.ts')).href)) as {
    default: {
      app(input: { stage: string }): Record<string, unknown>;
      run(): Promise<Record<string, unknown>>;
    };
  };
  app = mod.default.app;
  appConfig = app({ stage: 'dev' });
  outputs = await mod.default.run();
});

afterAll(() => {
  delete process.env.POLICY_WATCH_CONFIG;
  rmSync(dir, { recursive: true, force: true });
});

describe('sst.config.ts', () => {
  it('is an AWS app in eu-west-2 that keeps production data', () => {
    expect(appConfig).toMatchObject({
      name: 'policy-watch',
      home: 'aws',
      providers: { aws: { region: 'eu-west-2' } },
    });
    expect(appConfig).toMatchObject({ removal: 'remove', protect: false });
    expect(app({ stage: 'production' })).toMatchObject({ removal: 'retain', protect: true });
    expect(outputs).toMatchObject({ api: 'https://Api.example/', table: 'Table-name' });
  });

  it('declares the table with the store keys and indexes', () => {
    const { args } = find('Dynamo', 'Table');
    const types: Record<string, string> = { S: 'string', N: 'number', B: 'binary' };
    expect(args.fields).toEqual(
      Object.fromEntries(
        TABLE_DEFINITION.AttributeDefinitions.map((field) => [
          field.AttributeName,
          types[field.AttributeType],
        ]),
      ),
    );
    const keyOf = (schema: readonly { AttributeName: string; KeyType: string }[], type: string) =>
      schema.find((key) => key.KeyType === type)?.AttributeName;
    expect(args.primaryIndex).toEqual({
      hashKey: keyOf(TABLE_DEFINITION.KeySchema, 'HASH'),
      rangeKey: keyOf(TABLE_DEFINITION.KeySchema, 'RANGE'),
    });
    expect(args.globalIndexes).toEqual(
      Object.fromEntries(
        TABLE_DEFINITION.GlobalSecondaryIndexes.map((index) => [
          index.IndexName,
          {
            hashKey: keyOf(index.KeySchema, 'HASH'),
            rangeKey: keyOf(index.KeySchema, 'RANGE'),
            projection: 'all',
          },
        ]),
      ),
    );
    expect(args.ttl).toBe('expiresAt');
  });

  it('sends from the config sender and keeps both secrets', () => {
    expect(find('Email', 'Email').args).toEqual({ sender: 'alerts@example.org' });
    expect(created.filter((entry) => entry.type === 'Secret').map((entry) => entry.name)).toEqual([
      'StaffApiKeys',
      'SigningSecret',
    ]);
  });

  it('routes SES bounces and complaints through SNS to the API, which accepts only that topic', () => {
    const topic = find('SnsTopic', 'SesFeedback').self;
    for (const type of ['Bounce', 'Complaint']) {
      expect(find('IdentityNotificationTopic', `SesFeedback${type}`).args).toEqual({
        identity: 'alerts@example.org',
        notificationType: type,
        topicArn: topic.arn,
        includeOriginalHeaders: false,
      });
    }
    expect(find('TopicSubscription', 'SesFeedbackToApi').args).toMatchObject({
      topic: topic.arn,
      protocol: 'https',
      endpoint: 'https://Api.example/api/ses-notifications',
    });
    expect((find('Function', 'Api').args.link as unknown[]).includes(topic)).toBe(true);
  });

  it('schedules the poll every 15 minutes and the digests at the config crons in Europe/London', () => {
    const poll = find('CronV2', 'PollCron').args;
    expect(poll).toMatchObject({ schedule: 'cron(0/15 * * * ? *)', timezone: 'UTC' });
    expect(find('CronV2', 'DigestDaily').args).toMatchObject({
      schedule: 'cron(0 7 * * ? *)',
      timezone: 'Europe/London',
      event: { frequency: 'daily' },
    });
    expect(find('CronV2', 'DigestWeekly').args).toMatchObject({
      schedule: 'cron(30 8 ? * 6 *)',
      timezone: 'Europe/London',
      event: { frequency: 'weekly' },
    });
    expect(find('CronV2', 'MailCron').args).toMatchObject({ schedule: 'rate(1 minute)' });
    expect((find('CronV2', 'MailCron').args.function as { handler: string }).handler).toBe(
      'functions/mail.handler',
    );
  });

  it('fans the poll out through a queue to a worker with bounded concurrency', () => {
    const queue = find('Queue', 'PollQueue');
    const subscription = queue.self.subscriptions[0];
    if (!subscription) throw new Error('the poll queue has no subscriber');
    const seconds = (text: unknown) => {
      const match = /^(\d+) (seconds|minutes)$/.exec(String(text));
      if (!match) throw new Error(`not a duration: ${String(text)}`);
      return Number(match[1]) * (match[2] === 'minutes' ? 60 : 1);
    };
    expect(seconds(queue.args.visibilityTimeout)).toBeGreaterThan(seconds(subscription.subscriber.timeout));
    expect(subscription.args.batch).toEqual({ size: 1, partialResponses: true });
    expect(queue.args.dlq).toEqual({ queue: find('Queue', 'PollDeadLetters').self.arn, retry: 3 });
    const mapping: Record<string, unknown> = {};
    const transform = (subscription.args.transform as { eventSourceMapping(args: object): void })
      .eventSourceMapping;
    transform(mapping);
    expect(mapping).toEqual({ scalingConfig: { maximumConcurrency: 4 } });
    const pollLinks = (find('CronV2', 'PollCron').args.function as { link: unknown[] }).link;
    expect(pollLinks).toContain(queue.self);
  });

  it('links every function to the table, the sender, the secrets, and bundles the config', () => {
    const base = ['Table', 'Email', 'StaffApiKeys', 'SigningSecret'].map(
      (name) => created.find((entry) => entry.name === name)?.self,
    );
    const functions = handlerArgs();
    expect(functions.map((fn) => fn.handler).sort()).toEqual([
      'functions/api.handler',
      'functions/digest.handler',
      'functions/digest.handler',
      'functions/mail.handler',
      'functions/poll.handler',
      'functions/worker.handler',
    ]);
    for (const fn of functions) {
      for (const linked of base) expect(fn.link).toContain(linked);
      expect(fn.copyFiles).toEqual([{ from: process.env.POLICY_WATCH_CONFIG, to: 'config/watch.json' }]);
      expect(fn.runtime).toBe('nodejs20.x');
    }
    expect(find('Function', 'Api').args.url).toBe(true);
  });

  it('points every handler at an exported function', async () => {
    for (const { handler } of handlerArgs()) {
      const [file, name] = String(handler).split('.');
      const path = join(root, `${file}.ts`);
      expect(existsSync(path), path).toBe(true);
      const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
      expect(typeof mod[name ?? ''], `${handler}`).toBe('function');
    }
  });
});

function handlerArgs(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const entry of created) {
    if (entry.type === 'Function') out.push(entry.args);
    if (entry.type === 'CronV2') out.push(entry.args.function as Record<string, unknown>);
    for (const subscription of entry.self.subscriptions) out.push(subscription.subscriber);
  }
  return out;
}
