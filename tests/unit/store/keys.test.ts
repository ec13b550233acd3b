import { describe, expect, test } from 'vitest';
import { decodeCursor, encodeCursor, InvalidCursorError } from '#shared/store/cursor.ts';
import {
  alertKey,
  alertPosition,
  allAlertsIndex,
  deliveryKey,
  instantKey,
  isListedAlert,
  itemKey,
  rateLimitKey,
  reviewKey,
  sourceAlertsIndex,
  sourceStateKey,
  subscriberKey,
  subscribersByStatusIndex,
  TABLE_DEFINITION,
  topicAlertKey,
} from '#shared/store/keys.ts';

describe('key builders', () => {
  test.each([
    ['source state', sourceStateKey('leg-a'), { pk: 'SOURCE#leg-a', sk: 'STATE' }],
    ['item', itemKey('leg-a', 'urn:x'), { pk: 'SOURCE#leg-a', sk: 'ITEM#urn:x' }],
    ['alert', alertKey('abc'), { pk: 'ALERT#abc', sk: 'ALERT' }],
    [
      'topic copy',
      topicAlertKey('t1', '2026-01-02T03:04:05Z', 'abc'),
      { pk: 'TOPIC#t1', sk: 'AT#2026-01-02T03:04:05.000Z#abc' },
    ],
    [
      'all alerts',
      allAlertsIndex('2026-01-02T03:04:05.000Z', 'abc'),
      { gsi1pk: 'ALERTS', gsi1sk: 'AT#2026-01-02T03:04:05.000Z#abc' },
    ],
    [
      'source alerts',
      sourceAlertsIndex('s', '2026-01-02T03:04:05.000Z', 'abc'),
      { gsi2pk: 'SOURCE#s', gsi2sk: 'AT#2026-01-02T03:04:05.000Z#abc' },
    ],
    ['subscriber', subscriberKey('a@b.org'), { pk: 'SUB#a@b.org', sk: 'SUBSCRIBER' }],
    [
      'confirmed by frequency',
      subscribersByStatusIndex('confirmed', 'daily', 'a@b.org'),
      { gsi2pk: 'SUBS#confirmed#daily', gsi2sk: 'a@b.org' },
    ],
    ['delivery', deliveryKey('a@b.org', 'abc'), { pk: 'SUB#a@b.org', sk: 'DELIVERY#abc' }],
    [
      'review',
      reviewKey('lsp', '2026-01-02T00:00:00Z'),
      { pk: 'FACTSHEET#lsp', sk: 'REVIEW#2026-01-02T00:00:00.000Z' },
    ],
    [
      'rate limit',
      rateLimitKey('sub:a@b.org', '2026-01-02T03:00:00.000Z'),
      { pk: 'RATE#sub:a@b.org', sk: 'WINDOW#2026-01-02T03:00:00.000Z' },
    ],
  ])('%s', (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  test('long item keys are hashed to fit the 1024-byte sort key limit', () => {
    const long = `https://example.org/${'x'.repeat(2000)}`;
    const key = itemKey('s', long);
    expect(Buffer.byteLength(key.sk)).toBeLessThan(100);
    expect(itemKey('s', long)).toEqual(key);
    expect(itemKey('s', `${long}y`).sk).not.toBe(key.sk);
  });

  test('positions sort like (detectedAt, id)', () => {
    const positions = [
      alertPosition('2026-01-01T00:00:00.000Z', 'b'),
      alertPosition('2026-01-01T00:00:00Z', 'a'),
      alertPosition('2025-12-31T23:59:59.999Z', 'z'),
      alertPosition('2026-01-01T00:00:00.001Z', 'a'),
    ];
    expect([...positions].sort()).toEqual([positions[2], positions[1], positions[0], positions[3]]);
  });

  test.each([
    ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T01:00:00+01:00', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T00:00:00.123Z', '2026-01-01T00:00:00.123Z'],
    ['not a date', 'not a date'],
  ])('instantKey(%s)', (input, expected) => {
    expect(instantKey(input)).toBe(expected);
  });

  test('table definition: generic keys, two GSIs, on demand', () => {
    expect(TABLE_DEFINITION.KeySchema.map((k) => k.AttributeName)).toEqual(['pk', 'sk']);
    expect(TABLE_DEFINITION.GlobalSecondaryIndexes.map((g) => g.IndexName)).toEqual(['gsi1', 'gsi2']);
    expect(TABLE_DEFINITION.BillingMode).toBe('PAY_PER_REQUEST');
  });
});

describe('isListedAlert', () => {
  const listed = { ...alertKey('a1'), ...allAlertsIndex('2026-03-01T00:00:00.000Z', 'a1') };
  test.each([
    ['a claim (no listing keys)', { ...alertKey('a1') }, false],
    ['a listed record or index entry', listed, true],
    ['a takeover-marked record or index entry', { ...listed, unlisted: true }, false],
  ])('%s', (_name, item, expected) => {
    expect(isListedAlert(item)).toBe(expected);
  });
});

describe('cursor', () => {
  test.each([
    [{ detectedAt: '2026-01-02T03:04:05.678Z', id: 'abc_DEF-123' }],
    [{ detectedAt: '2026-01-02T03:04:05.678Z', id: 'with|pipe#and#hash' }],
  ])('round-trips %j', (position) => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  test('encodes the canonical instant', () => {
    expect(decodeCursor(encodeCursor({ detectedAt: '2026-01-02T03:04:05Z', id: 'a' })).detectedAt).toBe(
      '2026-01-02T03:04:05.000Z',
    );
  });

  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  test.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['junk characters', '!!!!'],
    ['wrong version', b64('a0|2026-01-02T03:04:05.678Z|abc')],
    ['no id', b64('a1|2026-01-02T03:04:05.678Z|')],
    ['bad instant', b64('a1|2026-13-02T03:04:05.678Z|abc')],
    ['short instant', b64('a1|2026-01-02T03:04:05Z|abc')],
    ['plain text', 'hello'],
    ['control characters in id', b64('a1|2026-01-02T03:04:05.678Z|a\nb')],
    ['too long', 'A'.repeat(5000)],
  ])('rejects %s', (_name, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(InvalidCursorError);
  });
});
