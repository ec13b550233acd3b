/**
 * @module DynamoDB clients for the store: the document client every repository takes, and
 * `ensureTable` for local endpoints (dynalite, DynamoDB Local). On AWS the table comes from SST.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_DEFINITION, TTL_ATTRIBUTE } from './keys.ts';

export interface DocumentClientOptions {
  /** Unset: the AWS endpoint of `region`. */
  endpoint?: string;
  region: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Attempts per request, first included (default STORE_MAX_ATTEMPTS). */
  maxAttempts?: number;
  /** How requests reach `endpoint`; unset: signed HTTP(S). */
  transport?: StoreTransport;
}

/**
 * The SDK's request handler and signer. The process hosting the embedded store passes one that
 * answers from its dynalite in-process (functions/local/embedded-transport.ts).
 */
export type StoreTransport = Pick<DynamoDBClientConfig, 'requestHandler' | 'signer'>;

/**
 * The SDK's standard retry mode retries throttling (ThrottlingException,
 * ProvisionedThroughputExceededException, 429), 5xx and network errors with jittered exponential
 * backoff (throttling from a 500 ms base). Its default of 3 attempts gives up within about a
 * second of throttling; 6 rides out up to ~15 s. A request that still fails fails its source for
 * this cycle (reported with the store's reason); the next cycle redoes what was not recorded.
 */
export const STORE_MAX_ATTEMPTS = 6;

export function createDocumentClient(options: DocumentClientOptions): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    retryMode: 'standard',
    maxAttempts: options.maxAttempts ?? STORE_MAX_ATTEMPTS,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...options.transport,
    // Local emulators accept any signature; without this the SDK would go hunting for a profile.
    ...(options.credentials
      ? { credentials: options.credentials }
      : options.endpoint
        ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}

async function tableStatus(client: DynamoDBDocumentClient, tableName: string): Promise<string | null> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return out.Table?.TableStatus ?? 'UNKNOWN';
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return null;
    throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates the table from `TABLE_DEFINITION` when missing and waits until it is ACTIVE. Safe to
 * race: a concurrent creator's table is simply waited for.
 */
export async function ensureTable(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let status = await tableStatus(client, tableName);
  if (status === 'ACTIVE') return;
  if (status === null) {
    try {
      await client.send(new CreateTableCommand({ TableName: tableName, ...TABLE_DEFINITION }));
      await enableTtl(client, tableName);
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  for (;;) {
    status = await tableStatus(client, tableName);
    if (status === 'ACTIVE') return;
    if (Date.now() > deadline) {
      throw new Error(`table ${tableName} did not become ACTIVE (status ${status ?? 'missing'})`);
    }
    await sleep(50);
  }
}

async function enableTtl(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch {
    // dynalite has no UpdateTimeToLive; nothing relies on expiry deleting items.
  }
}
