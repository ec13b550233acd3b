/**
 * @module The SES `Mailer` with its client: the module `wiring.ts` loads on the first message.
 * The SDK is imported statically here on purpose: a bundler that splits code (esbuild, as `dist/`
 * and the Lambda bundles are built) hands a dynamic `import()` of a CommonJS package such as the
 * AWS SDK only its `default` export, so `(await import('@aws-sdk/client-ses')).SESClient` would be
 * undefined in the built command while working under tsx.
 */
import { SESClient } from '@aws-sdk/client-ses';
import type { Mailer } from '../shared/domain/ports.ts';
import { createSesMailer } from '../shared/mail/ses-mailer.ts';

export interface SesTransportOptions {
  region: string;
  maxSendRate: number;
  /** A local SES endpoint (the emulator); its requests are signed with placeholder credentials. */
  endpoint?: string;
}

export function sesMailer(options: SesTransportOptions): Mailer {
  const client = new SESClient({
    region: options.region,
    // The mailer only ever sends SendRawEmail: resolving its middleware once, not per email, is
    // about a quarter of each send's client-side CPU (bench/digest.bench.ts).
    cacheMiddleware: true,
    ...(options.endpoint
      ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  return createSesMailer({ client, maxSendRate: options.maxSendRate });
}
