/**
 * @module `npm run schema`: writes `config/watch.schema.json` from the zod `ConfigSchema`, so
 * editors validate `config/watch.json` against the same definition the service loads it with.
 * `tests/unit/config/json-schema.test.ts` fails when the checked-in copy is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { ConfigSchema } from '../shared/config/schema.ts';

export const SCHEMA_PATH = fileURLToPath(new URL('../config/watch.schema.json', import.meta.url));

/** The JSON Schema text: input side (defaults optional), draft 2020-12, two-space indent. */
export function configJsonSchemaText(): string {
  const schema = z.toJSONSchema(ConfigSchema, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
  });
  const document = {
    ...schema,
    $id: 'https://policy-watch.example.org/watch.schema.json',
    title: 'policy-watch configuration',
    description:
      'config/watch.json: sources, topics (query language), factsheets and digests. See docs/contract.md §2.',
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_PATH, configJsonSchemaText());
  console.log(`wrote ${SCHEMA_PATH}`);
}
