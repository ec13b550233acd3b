/**
 * `policy-watch evaluate --from-feedback` over a dynalite store holding staff feedback: the
 * examples it builds and the scores against the current queries (a query edit shows at once).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '#shared/domain/types.ts';
import { judgeAlert, reportMissed } from '#shared/services/feedback.ts';
import { feedbackExamples } from '#shared/services/feedback-examples.ts';
import type { fixedClock } from '#shared/system/clock.ts';
import { main } from '../../functions/cli.ts';
import { makeAlert } from '../support/builders.ts';
import { runMain } from '../support/cli.ts';
import type { TestStore } from '../support/dynalite.ts';
import { useDynalite } from '../support/hooks.ts';
import { TEST_CONFIG, testConfig } from '../support/http-app.ts';
import { serviceDeps } from '../support/service-deps.ts';

const dynalite = useDynalite();
let db: TestStore;
let dir: string;

function alert(id: string, title: string, topics: string[]): Alert {
  return makeAlert({
    id,
    topics,
    matched: topics.map((topic) => ({ topic, terms: ['housing'] })),
    source: { id: 'govuk-housing', title: 'GOV.UK housing' },
    title,
    url: `https://www.gov.uk/${id}`,
    summary: `Summary of ${id}`,
    whatChanged: '',
    detectedAt: '2026-03-01T00:00:00.000Z',
  });
}

beforeAll(async () => {
  db = await dynalite.newStore();
  dir = await mkdtemp(join(tmpdir(), 'policy-watch-evaluate-'));
  const { deps, clock } = serviceDeps({
    config: testConfig(),
    store: db.store,
    now: '2026-03-10T12:00:00.000Z',
  });
  const tick = () => (clock as ReturnType<typeof fixedClock>).advance(1000);
  await db.store.alerts.create(alert('a1', 'Housing benefit uprating', ['housing']));
  await db.store.alerts.create(alert('a2', 'Housing market statistics', ['housing', 'planning']));
  for (const [id, topic, relevant] of [
    ['a1', 'housing', true],
    ['a2', 'housing', false],
    ['a2', 'planning', false],
  ] as const) {
    tick();
    const result = await judgeAlert(deps, id, { topic, relevant });
    expect(result.ok).toBe(true);
  }
  tick();
  await reportMissed(deps, {
    title: 'Rough sleeping strategy',
    url: 'https://www.gov.uk/rough-sleeping',
    topics: ['housing'],
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function evaluate(config: unknown, args: string[] = ['--json']) {
  const path = join(dir, `watch-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, JSON.stringify(config));
  const saved = { ...process.env };
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: db.endpoint,
    TABLE_NAME: db.tableName,
    SES_ENDPOINT: 'http://127.0.0.1:9',
    DATA_DIR: join(dir, 'data'),
  });
  try {
    return await runMain(['evaluate', '--from-feedback', '--config', path, ...args]);
  } finally {
    for (const key of ['DYNAMODB_ENDPOINT', 'TABLE_NAME', 'SES_ENDPOINT', 'DATA_DIR']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

describe('evaluate --from-feedback', () => {
  it('builds one example per standing judgement and per missed item, scoped to their topics', async () => {
    const judged = (id: string, title: string, labels: string[], scope: string[]) => ({
      title,
      summary: `Summary of ${id}`,
      url: `https://www.gov.uk/${id}`,
      source: 'govuk-housing',
      labels,
      scope,
    });
    expect(await feedbackExamples(db.store)).toEqual([
      judged('a1', 'Housing benefit uprating', ['housing'], ['housing']),
      judged('a2', 'Housing market statistics', [], ['housing']),
      judged('a2', 'Housing market statistics', [], ['planning']),
      {
        title: 'Rough sleeping strategy',
        url: 'https://www.gov.uk/rough-sleeping',
        labels: ['housing'],
        scope: ['housing'],
      },
    ]);
  });

  it('scores the current queries, and an edited query is measured before it is deployed', async () => {
    const before = await evaluate(TEST_CONFIG);
    expect(before.code).toBe(0);
    const report = JSON.parse(before.stdout);
    expect(report.topics.find((topic: { id: string }) => topic.id === 'housing')).toEqual({
      id: 'housing',
      tp: 1,
      fp: 1,
      fn: 1,
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
    });
    expect(report.falsePositives).toEqual([
      { title: 'Housing market statistics', topic: 'housing', terms: ['housing'] },
    ]);
    expect(report.falseNegatives).toEqual([{ title: 'Rough sleeping strategy', topic: 'housing' }]);

    const edited = {
      ...TEST_CONFIG,
      topics: TEST_CONFIG.topics.map((topic) =>
        topic.id === 'housing' ? { ...topic, query: '(housing NOT statistics) OR "rough sleeping"' } : topic,
      ),
    };
    const after = await evaluate(edited);
    expect(JSON.parse(after.stdout).topics[1]).toMatchObject({ id: 'housing', tp: 2, fp: 0, fn: 0, f1: 1 });

    const text = await evaluate(TEST_CONFIG, []);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('4 examples');
    expect(text.stdout).toMatch(/housing\s+1\s+1\s+1\s+0\.500\s+0\.500\s+0\.500/);
    expect(text.stdout).toContain('housing: Housing market statistics  [matched: housing]');
  });

  it('is a usage error with both --from-feedback and --labels', async () => {
    let stderr = '';
    const code = await main(['evaluate', '--from-feedback', '--labels', 'x.json'], {
      stdout: () => {},
      stderr: (t) => (stderr += t),
      isTTY: false,
    });
    expect(code).toBe(2);
    expect(stderr).toContain('--labels and --from-feedback do not go together');
  });
});
