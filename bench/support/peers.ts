/**
 * @module The peer tools the poll rounds are compared with, run on the same fixtures: rss2email
 * (`r2e`, delivering to a Maildir) for feeds, urlwatch (jobs file and cache in a temp dir) for
 * pages. Each is a fresh process per round, as a cron job would run it.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { measureProcess, type ProcessFigures, which } from './measure.ts';

export interface Peer {
  name: string;
  run(): Promise<ProcessFigures>;
  /** Forgets everything seen, as on its first run (what a round starting from nothing needs). */
  reset(): Promise<void>;
}

/** rss2email over `urls` (ids are the section names), state in `dir`. Null when not installed. */
export async function rss2email(dir: string, feeds: { id: string; url: string }[]): Promise<Peer | null> {
  const r2e = which('r2e');
  if (!r2e) return null;
  await mkdir(join(dir, 'Maildir', 'INBOX', 'new'), { recursive: true });
  for (const sub of ['cur', 'tmp']) await mkdir(join(dir, 'Maildir', 'INBOX', sub), { recursive: true });
  const config = join(dir, `r2e-${feeds.length}.cfg`);
  const data = join(dir, 'r2e-data.json');
  const lines = [
    '[DEFAULT]',
    'to = bench@example.org',
    'from = bench@example.org',
    'email-protocol = maildir',
    `maildir-path = ${join(dir, 'Maildir')}`,
    'maildir-mailbox = INBOX',
    'date-header = True',
    '',
  ];
  for (const feed of feeds) lines.push(`[feed.${feed.id}]`, `url = ${feed.url}`, '');
  await writeFile(config, lines.join('\n'));
  return {
    name: 'rss2email',
    run: () => measureProcess(r2e, ['-c', config, '-d', data, 'run']),
    async reset() {
      await rm(data, { force: true });
      const inbox = join(dir, 'Maildir', 'INBOX', 'new');
      await rm(inbox, { recursive: true, force: true });
      await mkdir(inbox, { recursive: true });
    },
  };
}

/** urlwatch over `pages`, jobs file and cache in `dir`. Null when not installed. */
export async function urlwatch(dir: string, pages: { id: string; url: string }[]): Promise<Peer | null> {
  const bin = which('urlwatch');
  if (!bin) return null;
  const jobs = join(dir, 'urls.yaml');
  const config = join(dir, 'urlwatch.yaml');
  const cache = join(dir, 'cache.db');
  await writeFile(jobs, pages.map((page) => `name: ${page.id}\nurl: ${page.url}\n`).join('---\n'));
  await writeFile(
    config,
    [
      'display: {new: true, error: true, unchanged: false, empty-diff: false}',
      'report:',
      '  text: {line_length: 75, details: true, footer: false, minimal: false}',
      '  stdout: {enabled: true, color: false}',
      '  email: {enabled: false}',
      '  html: {diff: unified}',
      '',
    ].join('\n'),
  );
  const home = join(dir, 'home');
  await mkdir(home, { recursive: true });
  return {
    name: 'urlwatch',
    run: () =>
      measureProcess(bin, ['--urls', jobs, '--config', config, '--cache', cache], {
        env: { ...process.env, HOME: home },
      }),
    async reset() {
      await rm(cache, { force: true });
    },
  };
}
