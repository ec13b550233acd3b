/**
 * The README's examples are run, so the docs cannot drift from the code (urlwatch's rule): the
 * configuration example validates, every query in the query-language table parses and matches
 * what its row says, every command and environment variable it lists exists.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config/schema.ts';
import { matchQuery } from '#shared/domain/match.ts';
import { parseQuery } from '#shared/domain/query.ts';
import type { ParsedItem } from '#shared/domain/types.ts';
import { COMMANDS } from '../../functions/cli/help.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function section(heading: string): string {
  const start = README.indexOf(`\n${heading}\n`);
  if (start === -1) throw new Error(`README has no "${heading}"`);
  const next = README.indexOf('\n## ', start + heading.length + 2);
  return README.slice(start, next === -1 ? undefined : next);
}

const item = (title: string): ParsedItem => ({
  key: 'k',
  title,
  url: 'https://www.legislation.gov.uk/ukpga/2011/20/section/1',
  summary: '',
  content: '',
  publishedAt: null,
  updatedAt: null,
  links: ['http://www.legislation.gov.uk/id/ukpga/2011/20'],
});

describe('README', () => {
  it('has the two setup commands of docs/contract.md §1', () => {
    expect(README).toContain('npm ci && npm start');
    expect(README).toContain('npm ci && npm test');
  });

  it('shows a configuration that validates', () => {
    const block = /```jsonc\n([\s\S]*?)```/.exec(section('## Configuration'))?.[1];
    expect(block).toBeDefined();
    const json = (block ?? '').replace(/\s\/\/.*$/gm, '');
    const result = parseConfig(JSON.parse(json));
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  const rows = [...section('### Topic queries').matchAll(/^\| `([^`]+)`(?:, `([^`]+)`)? \|/gm)];
  it('lists query examples', () => {
    expect(rows.length).toBeGreaterThanOrEqual(8);
  });

  it.each(rows.flatMap((row) => [row[1], row[2]].filter((query): query is string => Boolean(query))))(
    'query example %s parses (with a positive term where it needs one)',
    (query) => {
      const runnable = query.startsWith('NOT ')
        ? `councillor AND ${query}`
        : query.replace('( … )', '(councillor)');
      expect(() => parseQuery(runnable)).not.toThrow();
    },
  );

  it.each([
    ['councillor', 'Support for Councillors', true],
    ['"community right to bid"', 'Using the community right to bid', true],
    ['title:outsourcing', 'Outsourcing public services', true],
    ['legislation:ukpga/2011/20', 'An order', true],
    ['legislation:ukpga/2011/2', 'An order', false],
  ])('the row for %s behaves as described', (query, title, matches) => {
    expect(matchQuery(query, { sourceId: 'lga-news', item: item(title) }) !== null).toBe(matches);
  });

  it('lists exactly the commands the CLI has', () => {
    const listed = [...section('## Command line').matchAll(/^\| `([a-z]+)[ `]/gm)].map((row) => row[1]);
    expect(listed.sort()).toEqual([...COMMANDS].sort());
  });

  it('documents every environment variable of docs/contract.md §5 that the code reads', () => {
    const deps = readFileSync(new URL('../../functions/env.ts', import.meta.url), 'utf8');
    const listed = [
      ...section('## Environment').matchAll(/^\| `([A-Z_]+)`(?: \/ `([A-Z_]+)`)? \|/gm),
    ].flatMap((row) => [row[1], row[2]].filter(Boolean));
    expect(listed.length).toBeGreaterThanOrEqual(12);
    for (const name of listed) expect(deps, name).toContain(name);
  });
});
