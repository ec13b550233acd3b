/**
 * @module Lambda: the HTTP API and pages behind a Function URL (hono/aws-lambda).
 */
import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { createApp } from '../shared/http/app.ts';
import { checkEvent, FunctionUrlEvent, rejectEvent } from './events.ts';
import { lambdaDeps } from './lambda-wiring.ts';

let app: ReturnType<typeof handle> | undefined;

export async function handler(event: LambdaEvent, context?: LambdaContext) {
  const checked = checkEvent('api', FunctionUrlEvent, event);
  const domain = checked.ok ? checked.event.requestContext.domainName : undefined;
  const { deps } = await lambdaDeps(domain ? `https://${domain}` : undefined);
  if (!checked.ok) throw rejectEvent(deps.logger, checked.error);
  app ??= handle(createApp(deps));
  return app(event, context);
}
