/**
 * @module What every Lambda shares: the Node 20 runtime, the bundled config file and the links
 * to the table, the sender identity and the secrets.
 */
import { BUNDLED_CONFIG_PATH, CONFIG_PATH } from './config.ts';
import { email } from './email.ts';
import { signingSecret, staffApiKeys } from './secrets.ts';
import { table } from './storage.ts';

export const baseLinks = [table, email, staffApiKeys, signingSecret];

export const functionDefaults = {
  runtime: 'nodejs20.x' as const,
  architecture: 'arm64' as const,
  memory: '512 MB' as const,
  // Lazily imported modules (parsers, the PDF reader, the SES and SQS clients, the digest) in
  // chunks of their own, loaded on first use: the poll handler initialises in ~0.2 s instead of
  // ~0.3 s, since its one-file bundle held 4.7 MB, a third of it the PDF reader (npm run bench -- startup).
  nodejs: { splitting: true }, // scripts/lambda-bundle.ts mirrors this for the bench and tests
  copyFiles: [{ from: CONFIG_PATH, to: BUNDLED_CONFIG_PATH }],
  environment: { POLICY_WATCH_CONFIG: BUNDLED_CONFIG_PATH },
};
