import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchemaText, SCHEMA_PATH } from '../../../scripts/write-schema.ts';

describe('config/watch.schema.json', () => {
  const generated = configJsonSchemaText();

  it('is up to date with ConfigSchema (run `npm run schema` when this fails)', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(generated);
  });

  it('describes the input side: fields with defaults are optional', () => {
    const schema = JSON.parse(generated) as {
      $schema: string;
      required: string[];
      properties: {
        sources: { items: { oneOf: Array<{ required: string[]; properties: Record<string, unknown> }> } };
      };
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required.sort()).toEqual(['digests', 'organisation', 'sources', 'topics']);
    const feed = schema.properties.sources.items.oneOf[0]!;
    expect(feed.required.sort()).toEqual(['id', 'kind', 'url']);
    expect(feed.properties.every).toMatchObject({ default: '1h', pattern: '^[1-9][0-9]*(m|h|d|w)$' });
  });
});
