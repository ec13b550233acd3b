/**
 * @module The HTTP API and pages: one function behind a Function URL (hono/aws-lambda).
 */
import { feedback } from './email.ts';
import { baseLinks, functionDefaults } from './functions.ts';

export const api = new sst.aws.Function('Api', {
  ...functionDefaults,
  handler: 'functions/api.handler',
  url: true,
  timeout: '30 seconds',
  link: [...baseLinks, feedback],
});

// SES feedback reaches the API as signed SNS HTTPS deliveries; the API confirms the subscription
// itself (it accepts messages from the linked topic only).
new aws.sns.TopicSubscription('SesFeedbackToApi', {
  topic: feedback.arn,
  protocol: 'https',
  endpoint: $interpolate`${api.url}api/ses-notifications`,
  endpointAutoConfirms: false,
});
