/**
 * @module The staff email about a source's health, rendered and queued in the outbox
 * (services/source-escalation.ts decides when). A module of its own so that a poll loads the
 * mail rendering (MIME, the HTML layout, hono's JSX) only when such an email is due, not at every
 * start: most polls send none.
 */
import { buildMime } from '../mail/mime.ts';
import { envelopeTo } from '../mail/notices.ts';
import { renderSourceHealth, type SourceHealthRenderInput } from '../mail/render-escalation.ts';
import { enqueueMail } from './mail-queue.ts';
import type { ServiceDeps } from './service-deps.ts';

/** Renders the email and queues it under `id`, which makes queueing idempotent. */
export async function queueSourceHealthMail(
  deps: ServiceDeps,
  id: string,
  to: string,
  input: SourceHealthRenderInput,
  now: Date,
): Promise<void> {
  const email = renderSourceHealth(input);
  const raw = await buildMime({ ...envelopeTo(deps, to), ...email, date: now });
  await enqueueMail(deps, { id, kind: id.split('-')[0] ?? 'source-health', to, raw });
}
