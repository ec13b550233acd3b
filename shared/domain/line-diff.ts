/**
 * @module Line diff of a watched page region (docs/contract.md §3 `page-changed`): added and removed lines,
 * at most 200 of each, computed with the `diff` library's LCS over whole lines.
 */
import { diffArrays } from 'diff';
import type { LineDiff } from './types.ts';

export const MAX_DIFF_LINES = 200;

export function lineDiff(before: readonly string[], after: readonly string[]): LineDiff {
  // Nothing before (a first poll): every line is added, without running the LCS.
  if (before.length === 0) return { added: after.slice(0, MAX_DIFF_LINES), removed: [] };
  const added: string[] = [];
  const removed: string[] = [];
  for (const change of diffArrays([...before], [...after])) {
    if (change.added) added.push(...change.value);
    else if (change.removed) removed.push(...change.value);
  }
  return { added: added.slice(0, MAX_DIFF_LINES), removed: removed.slice(0, MAX_DIFF_LINES) };
}

export function isEmptyDiff(diff: LineDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0;
}
