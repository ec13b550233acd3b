/**
 * @module The HTTP API and pages: one function behind a Function URL (hono/aws-lambda).
 */
import { baseLinks, functionDefaults } from './functions.ts';

export const api = new sst.aws.Function('Api', {
  ...functionDefaults,
  handler: 'functions/api.handler',
  url: true,
  timeout: '30 seconds',
  link: baseLinks,
});
