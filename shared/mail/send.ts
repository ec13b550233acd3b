/**
 * @module The envelope every message is sent with: who it is from (name and bare address for
 * SES), to whom, and the unsubscribe link its headers carry.
 */
export interface Envelope {
  fromName: string;
  fromAddress: string;
  to: string;
  unsubscribeUrl?: string;
}
