/**
 * @module Opaque alert-listing cursors: base64url of a version tag and the last position
 * returned, `(detectedAt, id)`. A position (not an offset or a DynamoDB key) keeps walking
 * stable under concurrent inserts and independent of which partition served the page.
 */
import { instantKey } from './keys.ts';

/** Thrown for a cursor this store did not produce (the API answers 400). */
export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
  constructor(message = 'cursor is malformed') {
    super(message);
  }
}

export interface CursorPosition {
  detectedAt: string;
  id: string;
}

const TAG = 'a1';
const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(`${TAG}|${instantKey(position.detectedAt)}|${position.id}`, 'utf8').toString(
    'base64url',
  );
}

export function decodeCursor(cursor: string): CursorPosition {
  if (!BASE64URL.test(cursor) || cursor.length > 2048) throw new InvalidCursorError();
  const bytes = Buffer.from(cursor, 'base64url');
  // Node's decoder skips junk silently; only a cursor that re-encodes identically is ours.
  if (bytes.toString('base64url') !== cursor) throw new InvalidCursorError();
  const text = bytes.toString('utf8');
  const prefix = `${TAG}|`;
  if (!text.startsWith(prefix)) throw new InvalidCursorError('cursor is from an unknown version');
  // Fixed-width instant, so the id after it may contain any character.
  const detectedAt = text.slice(prefix.length, prefix.length + 24);
  const separator = text.charAt(prefix.length + 24);
  const id = text.slice(prefix.length + 25);
  if (separator !== '|' || id === '') throw new InvalidCursorError();
  if (!CANONICAL_INSTANT.test(detectedAt) || Number.isNaN(Date.parse(detectedAt))) {
    throw new InvalidCursorError();
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f]/.test(id)) throw new InvalidCursorError();
  return { detectedAt, id };
}
