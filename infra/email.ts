/**
 * @module The SES identity digests are sent from (`digests.from`). A new SES account is in the
 * sandbox: it can only send to verified addresses until production access is granted.
 */
import { config } from './config.ts';

export const email = new sst.aws.Email('Email', { sender: config.digests.from });
