/** `policy-watch evaluate`: output shapes, label-file errors and exit codes, run in-process. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELP } from '../../functions/cli/help.ts';
import { runMain, writeConfigFile } from '../support/cli.ts';

let dir: string;
let configPath: string;

const run = runMain;

async function labels(name: string, body: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'policy-watch-evaluate-'));
  configPath = join(dir, 'watch.json');
  await writeFile(
    configPath,
    JSON.stringify({
      organisation: { name: 'Evaluate Test', contact: 'policy@example.org' },
      sources: [{ id: 'feed', kind: 'feed', url: 'https://example.org/feed' }],
      topics: [
        { id: 'pb', title: 'PB', query: '"participatory budgeting" OR "community choices"' },
        { id: 'cllr', title: 'Councillors', query: 'councillors' },
      ],
      factsheets: [],
      digests: { from: 'alerts@example.org', timezone: 'Europe/London' },
    }),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const EXAMPLES = [
  { title: 'Participatory budgeting guide', labels: ['pb'] },
  { title: 'Residents vote on local spending', summary: 'A people’s budget', labels: ['pb'] },
  { title: 'Councillors and community choices', source: 'feed', labels: ['cllr'] },
];

describe('policy-watch check warnings', () => {
  it('reports doubtful query terms with path and column and still exits 0', async () => {
    const path = writeConfigFile(join(dir, 'warn.json'), {
      organisation: { name: 'Warn Test', contact: 'policy@example.org' },
      topics: [{ id: 'pb', title: 'PB', query: 'PB and budget OR -pension' }],
      factsheets: [],
      digests: { from: 'alerts@example.org', timezone: 'Europe/London' },
    });
    const json = await run(['check', '--config', path, '--json']);
    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout);
    expect(body).toMatchObject({ valid: true, errors: [] });
    expect(body.warnings.map((w: { path: string; column: number }) => [w.path, w.column])).toEqual([
      ['topics[0].query', 1],
      ['topics[0].query', 4],
      ['topics[0].query', 18],
    ]);
    const human = await run(['check', '--config', path]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/valid \(0 sources, 1 topic, 0 factsheets\), 3 warnings/);
    expect(human.stderr).toContain('warning: topics[0].query (column 4): topic "pb": lower-case "and"');
  });

  it('the shipped config has no warnings', async () => {
    const shipped = await run(['check', '--json']);
    expect(JSON.parse(shipped.stdout)).toMatchObject({ valid: true, errors: [], warnings: [] });
  });
});

describe('policy-watch evaluate', () => {
  it('--json prints the report', async () => {
    const file = await labels('ok.json', EXAMPLES);
    const result = await run(['evaluate', '--config', configPath, '--labels', file, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      topics: [
        { id: 'pb', tp: 1, fp: 1, fn: 1, precision: 0.5, recall: 0.5, f1: 0.5 },
        { id: 'cllr', tp: 1, fp: 0, fn: 0, precision: 1, recall: 1, f1: 1 },
      ],
      falsePositives: [
        { title: 'Councillors and community choices', topic: 'pb', terms: ['community choices'] },
      ],
      falseNegatives: [{ title: 'Residents vote on local spending', topic: 'pb' }],
    });
  });

  it('prints a table, then the false positives and false negatives', async () => {
    const file = await labels('ok.json', EXAMPLES);
    const result = await run(['evaluate', '--config', configPath, '--labels', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^3 examples\n/);
    expect(result.stdout).toMatch(/pb\s+1\s+1\s+1\s+0\.500\s+0\.500\s+0\.500/);
    expect(result.stdout).toContain(
      'False positives (1):\n  pb: Councillors and community choices  [matched: community choices]',
    );
    expect(result.stdout).toContain('False negatives (1):\n  pb: Residents vote on local spending');
  });

  it.each([
    ['not JSON', '[{', /is not valid JSON/, undefined],
    [
      'not an array',
      { title: 'x' },
      /invalid label file/,
      [{ path: '(file)', message: 'expected a JSON array of examples' }],
    ],
    [
      'unknown topic and source, missing labels',
      [{ title: 'a', labels: ['nope'] }, { title: 'b', labels: [], source: 'missing' }, { title: 'c' }],
      /invalid label file .* \(3 errors\)/,
      [
        { path: '[0].labels[0]', message: 'unknown topic "nope"' },
        { path: '[1].source', message: 'unknown source "missing"' },
        { path: '[2].labels', message: expect.any(String) },
      ],
    ],
  ])('a label file that is %s exits 1 with the reason', async (name, body, message, details) => {
    const file = await labels(`${name.replace(/\W+/g, '-')}.json`, body);
    const result = await run(['evaluate', '--config', configPath, '--labels', file, '--json']);
    expect(result.code).toBe(1);
    const error = JSON.parse(result.stdout).error;
    expect(error.code).toBe('invalid_labels');
    expect(error.message).toMatch(message);
    if (details) expect(error.details).toEqual(details);
  });

  it('a missing label file exits 1; an invalid config exits 1', async () => {
    const missing = await run(['evaluate', '--config', configPath, '--labels', join(dir, 'none.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read label file .*none\.json: file not found/);
    const file = await labels('ok.json', EXAMPLES);
    const badConfig = await run(['evaluate', '--config', join(dir, 'nope.json'), '--labels', file]);
    expect(badConfig.code).toBe(1);
  });

  it('usage errors exit 2; --help prints the help', async () => {
    expect((await run(['evaluate', '--config', configPath])).code).toBe(2);
    expect((await run(['check', '--labels', 'x.json'])).code).toBe(2);
    expect((await run(['evaluate', '--from-feedback', '--labels', 'x.json'])).code).toBe(2);
    const help = await run(['evaluate', '--help']);
    expect(help).toMatchObject({ code: 0, stdout: HELP.evaluate });
  });
});
