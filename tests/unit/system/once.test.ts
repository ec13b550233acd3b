import { describe, expect, it } from 'vitest';
import { onceUntilFailure } from '#shared/system/once.ts';

describe('onceUntilFailure', () => {
  it('starts once for concurrent and later callers, with the first call’s arguments', async () => {
    const calls: string[] = [];
    const get = onceUntilFailure(async (name: string) => {
      calls.push(name);
      return `client for ${name}`;
    });
    expect(await Promise.all([get('a'), get('b')])).toEqual(['client for a', 'client for a']);
    expect(await get('c')).toBe('client for a');
    expect(calls).toEqual(['a']);
  });

  it('forgets a failed start, so the next call tries again', async () => {
    let attempts = 0;
    const get = onceUntilFailure(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('endpoint down');
      return attempts;
    });
    await expect(get()).rejects.toThrow('endpoint down');
    expect(await get()).toBe(2);
    expect(await get()).toBe(2);
    expect(attempts).toBe(2);
  });
});
