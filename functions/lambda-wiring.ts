/**
 * @module The Lambda composition root's inputs: SST links (`Resource`) and the environment,
 * validated once per container, then `buildDeps` as everywhere else. Links are read here only,
 * never in `shared/`.
 */
import { Resource } from 'sst';
import * as z from 'zod';
import type { LogLevel } from '../shared/domain/ports.ts';
import type { ServiceDeps } from '../shared/services/service-deps.ts';
import { createLogger } from '../shared/system/logger.ts';
import { onceUntilFailure } from '../shared/system/once.ts';
import { loadConfigFile, resolveConfigPath } from './config-file.ts';
import { loadEnv } from './env.ts';
import { buildDeps } from './wiring.ts';

const Linked = z.object({
  Table: z.object({ name: z.string().min(1) }),
  Email: z.object({ sender: z.string().min(1) }),
  StaffApiKeys: z.object({ value: z.string() }),
  SigningSecret: z.object({ value: z.string().min(16) }),
  Api: z.object({ url: z.string().min(1) }).optional(),
  PollQueue: z.object({ url: z.string().min(1) }).optional(),
  SesFeedback: z.object({ arn: z.string().min(1) }).optional(),
});

function linked(): z.output<typeof Linked> {
  // Only linked resources are present; reading an absent one through `Resource` throws.
  const pick = (name: string) => (name in Resource ? (Reflect.get(Resource, name) as unknown) : undefined);
  return Linked.parse(Object.fromEntries(Object.keys(Linked.shape).map((name) => [name, pick(name)])));
}

export interface LambdaDeps {
  deps: ServiceDeps;
  /** The fan-out queue, where linked (the poll function). */
  pollQueueUrl: string | null;
}

/**
 * Built on the first invocation and kept for the container's life. `requestUrl` is the API's
 * own origin, used for links in emails when neither `PUBLIC_URL` nor the `Api` link gives one.
 */
export const lambdaDeps: (requestUrl?: string) => Promise<LambdaDeps> = onceUntilFailure(build);

async function build(requestUrl: string | undefined): Promise<LambdaDeps> {
  const env = loadEnv(process.env);
  const links = linked();
  const path = resolveConfigPath(undefined, process.env, process.env.LAMBDA_TASK_ROOT ?? process.cwd());
  const result = await loadConfigFile(path);
  if (!result.ok) throw new Error(`invalid config ${path}: ${JSON.stringify(result.errors)}`);
  const publicUrl = env.PUBLIC_URL ?? links.Api?.url ?? requestUrl;
  const deps = await buildDeps({
    env,
    config: result.config,
    secrets: {
      staffKeys: links.StaffApiKeys.value
        .split(',')
        .map((key) => key.trim())
        .filter(Boolean),
      signingSecret: links.SigningSecret.value,
    },
    tableName: links.Table.name,
    mailFrom: env.MAIL_FROM ?? links.Email.sender,
    logger: createLogger({
      level: logLevel(process.env.AWS_LAMBDA_LOG_LEVEL),
      fields: { fn: process.env.AWS_LAMBDA_FUNCTION_NAME },
    }),
    ...(env.DYNAMODB_ENDPOINT ? { storeEndpoint: env.DYNAMODB_ENDPOINT } : {}),
    ...(env.SES_ENDPOINT ? { sesEndpoint: env.SES_ENDPOINT } : {}),
    ...(publicUrl ? { publicUrl } : {}),
    // The deployment's own SES feedback topic, unless the environment names others.
    ...(links.SesFeedback && env.SES_FEEDBACK_TOPIC_ARNS.length === 0
      ? { snsTopicArns: [links.SesFeedback.arn] }
      : {}),
  });
  return { deps, pollQueueUrl: links.PollQueue?.url ?? null };
}

/** Lambda's advanced logging controls set `AWS_LAMBDA_LOG_LEVEL` (TRACE…FATAL); default info. */
function logLevel(value: string | undefined): LogLevel {
  switch (value?.toUpperCase()) {
    case 'TRACE':
    case 'DEBUG':
      return 'debug';
    case 'WARN':
      return 'warn';
    case 'ERROR':
    case 'FATAL':
      return 'error';
    default:
      return 'info';
  }
}
