/**
 * @module Lambda: the HTTP API and pages behind a Function URL (hono/aws-lambda).
 */
import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { createApp } from '../shared/http/app.ts';
import { lambdaDeps } from './lambda-wiring.ts';

let app: ReturnType<typeof handle> | undefined;

export async function handler(event: LambdaEvent, context?: LambdaContext) {
  if (!app) {
    const domain = 'requestContext' in event ? Reflect.get(event.requestContext, 'domainName') : undefined;
    const { deps } = await lambdaDeps(typeof domain === 'string' ? `https://${domain}` : undefined);
    app = handle(createApp(deps));
  }
  return app(event, context);
}
