/**
 * @module Secrets set per stage with `npx sst secret set <Name> <value> --stage <stage>`:
 * `StaffApiKeys` (comma-separated, like `STAFF_API_KEYS`) and `SigningSecret` (email tokens).
 */
export const staffApiKeys = new sst.Secret('StaffApiKeys');
export const signingSecret = new sst.Secret('SigningSecret');
