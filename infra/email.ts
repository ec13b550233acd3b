/**
 * @module The SES identity digests are sent from (`digests.from`). A new SES account is in the
 * sandbox: it can only send to verified addresses until production access is granted.
 * Bounces and complaints go to an SNS topic whose messages the API's
 * `POST /api/ses-notifications` verifies and turns into suppressions (see api.ts).
 */
import { config } from './config.ts';

export const email = new sst.aws.Email('Email', { sender: config.digests.from });

/** Where SES reports bounces and complaints for the sender identity. */
export const feedback = new sst.aws.SnsTopic('SesFeedback');

for (const notificationType of ['Bounce', 'Complaint'] as const) {
  new aws.ses.IdentityNotificationTopic(
    `SesFeedback${notificationType}`,
    {
      identity: config.digests.from,
      notificationType,
      topicArn: feedback.arn,
      includeOriginalHeaders: false,
    },
    { dependsOn: [email] },
  );
}
