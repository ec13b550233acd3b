/**
 * @module The single DynamoDB table, declared from the store's own `TABLE_DEFINITION` so the
 * deployed keys and indexes cannot drift from what `ensureTable` creates locally.
 */
import { TABLE_DEFINITION, TTL_ATTRIBUTE } from '../shared/store/keys.ts';

type FieldType = 'string' | 'number' | 'binary';
const FIELD_TYPES: Record<string, FieldType> = { S: 'string', N: 'number', B: 'binary' };

interface KeyElement {
  AttributeName: string;
  KeyType: string;
}

function keys(schema: readonly KeyElement[]): { hashKey: string; rangeKey?: string } {
  const hashKey = schema.find((key) => key.KeyType === 'HASH')?.AttributeName;
  const rangeKey = schema.find((key) => key.KeyType === 'RANGE')?.AttributeName;
  if (!hashKey) throw new Error('TABLE_DEFINITION: a key schema has no HASH key');
  return rangeKey ? { hashKey, rangeKey } : { hashKey };
}

/** `TABLE_DEFINITION` (CreateTable shape) → `sst.aws.Dynamo` arguments. */
export function dynamoArgs() {
  const fields = Object.fromEntries(
    TABLE_DEFINITION.AttributeDefinitions.map((field) => {
      const type = FIELD_TYPES[field.AttributeType];
      if (!type) throw new Error(`TABLE_DEFINITION: unknown attribute type ${field.AttributeType}`);
      return [field.AttributeName, type];
    }),
  );
  const globalIndexes = Object.fromEntries(
    TABLE_DEFINITION.GlobalSecondaryIndexes.map((index) => [
      index.IndexName,
      { ...keys(index.KeySchema), projection: 'all' as const },
    ]),
  );
  return { fields, primaryIndex: keys(TABLE_DEFINITION.KeySchema), globalIndexes, ttl: TTL_ATTRIBUTE };
}

export const table = new sst.aws.Dynamo('Table', dynamoArgs());
