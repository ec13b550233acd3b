/**
 * @module The events AWS hands the Lambda handlers, as zod schemas: the EventBridge Scheduler
 * input or an EventBridge rule's "Scheduled Event" (poll, digest, mail), an SQS batch (worker),
 * a Function URL request (api). A handler parses its event first and rejects a malformed one with
 * a logged `MalformedEventError` instead of failing somewhere inside.
 */
import * as z from 'zod';
import type { Logger } from '../shared/domain/ports.ts';

/** An EventBridge rule's scheduled event; `detail` carries what the rule adds. */
const ScheduledEvent = z.looseObject({
  'detail-type': z.literal('Scheduled Event'),
  source: z.literal('aws.events'),
  time: z.string(),
  detail: z.record(z.string(), z.unknown()),
});

/**
 * What a schedule delivers: an EventBridge Scheduler input (any JSON object: `{}` or the
 * schedule's `event`) or a rule's scheduled event. Another trigger's event is refused.
 */
export const ScheduleEvent = z.union([
  ScheduledEvent,
  z
    .record(z.string(), z.unknown())
    .refine((event) => !('Records' in event), 'an SQS or SNS batch, not a schedule')
    .refine((event) => !('requestContext' in event), 'an HTTP request, not a schedule'),
]);

/** One fan-out message: the source to poll. */
export const PollMessage = z.object({ sourceId: z.string() });

/** An SQS batch; bodies are parsed one by one, so one bad message fails alone. */
export const SqsEvent = z.object({
  Records: z.array(z.looseObject({ messageId: z.string().min(1), body: z.string() })),
});

/** A Lambda Function URL request (payload format 2.0), checked as far as hono reads it. */
export const FunctionUrlEvent = z.looseObject({
  version: z.literal('2.0'),
  rawPath: z.string().startsWith('/'),
  rawQueryString: z.string(),
  headers: z.record(z.string(), z.string()),
  requestContext: z.looseObject({
    domainName: z.string().optional(),
    http: z.looseObject({ method: z.string().min(1) }),
  }),
});

export class MalformedEventError extends Error {
  override name = 'MalformedEventError';
  constructor(
    readonly handler: string,
    readonly issues: string,
  ) {
    super(`${handler}: malformed event: ${issues}`);
  }
}

export type EventCheck<T> = { ok: true; event: T } | { ok: false; error: MalformedEventError };

/** Parses `event`; a failure carries every issue, path by path. */
export function checkEvent<T>(handler: string, schema: z.ZodType<T>, event: unknown): EventCheck<T> {
  const parsed = schema.safeParse(event);
  if (parsed.success) return { ok: true, event: parsed.data };
  return { ok: false, error: new MalformedEventError(handler, z.prettifyError(parsed.error)) };
}

/** Logs a malformed event with its issues and returns the error to throw. */
export function rejectEvent(logger: Logger, error: MalformedEventError): MalformedEventError {
  logger.log('error', 'malformed event', { handler: error.handler, issues: error.issues });
  return error;
}
