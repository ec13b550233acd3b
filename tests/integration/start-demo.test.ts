/**
 * `npm run demo`, in-process: offline documents, its own data folder, and at once alerts, stale
 * factsheets and a digest for demo@example.org in the local inbox (docs/contract.md §1).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Output } from '../../functions/cli/output.ts';
import { DEMO_SUBSCRIBER, startDemo } from '../../functions/local/demo.ts';

const dir = mkdtempSync(join(tmpdir(), 'pw-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('policy-watch demo', () => {
  it('shows alerts, stale factsheets and a digest in the local inbox at once', async () => {
    let stdout = '';
    const out: Output = {
      stdout: (text) => {
        stdout += text;
      },
      stderr: () => {},
      isTTY: false,
    };
    const env = { DATA_DIR: join(dir, 'data'), PORT: '0', MAIL_PORT: '0' };
    const server = await startDemo({
      env,
      configPath: resolve(import.meta.dirname, '../../config/watch.json'),
      out,
    });
    try {
      expect(stdout).toMatch(/^listening http:\/\/localhost:\d+$/m);
      expect(existsSync(join(dir, 'data/demo/watch.json'))).toBe(true);

      const alerts = (await (await fetch(`${server.url}/api/alerts?limit=100`)).json()) as {
        items: { topics: string[] }[];
      };
      expect(alerts.items.length).toBeGreaterThan(0);
      const topics = new Set(alerts.items.flatMap((alert) => alert.topics));
      expect(topics.size).toBeGreaterThanOrEqual(4);

      const key = server.runtime.deps.staffKeys[0];
      const sheets = (await (
        await fetch(`${server.url}/api/factsheets?stale=true`, {
          headers: { authorization: `Bearer ${key}` },
        })
      ).json()) as { items: { severity: string; evidence: { because: { reason: string } }[] }[] };
      expect(sheets.items.length).toBeGreaterThan(0);
      // A cited provision changed for some (listed first), only topics for the others.
      const severities = sheets.items.map((sheet) => sheet.severity);
      expect(severities[0]).toBe('high');
      expect(severities).toContain('normal');
      expect(severities.indexOf('normal')).toBeGreaterThan(severities.lastIndexOf('high'));
      expect(stdout).toMatch(
        /^demo high-severity .+: s\. 81\(5\)\(a\) words substituted by the Procurement Act 2023, in force 2025-02-24$/m,
      );

      const inbox = server.runtime.inboxUrl;
      expect(inbox).not.toBeNull();
      const response = await fetch(new URL('/store', inbox ?? ''));
      const store = (await response.json()) as {
        emails: { destination: { to: string[] }; subject: string }[];
      };
      const digests = store.emails.filter(
        (email) =>
          email.destination.to.some((to) => to.includes(DEMO_SUBSCRIBER)) && /new alert/.test(email.subject),
      );
      expect(digests).toHaveLength(1);
      expect(stdout).toMatch(/^demo digest \d+ alert\(s\) sent to demo@example.org/m);
    } finally {
      await server.close();
    }
    expect(existsSync(join(dir, 'data/demo/runtime.json'))).toBe(false);
  });
});
