import { describe, expect, it } from 'vitest';
import { buildMime, foldHeader, headerLineLengths } from '#shared/mail/mime.ts';

const unfold = (text: string) => text.replace(/\r\n(?=[ \t])/g, '');

describe('foldHeader', () => {
  const long = `From: "${'Women and Community Sector Resource Centre '.repeat(3).trim()}" <alerts@example.org>`;
  it.each([
    { name: 'a short line stays as it is', line: 'From: "Org" <a@example.org>', lines: 1 },
    { name: 'a long line folds before spaces', line: long, lines: 3 },
    {
      name: 'a word longer than the limit stays whole',
      line: `X-Long: ${'x'.repeat(100)} tail`,
      lines: 3,
    },
  ])('$name', ({ line, lines }) => {
    const folded = foldHeader(line);
    expect(folded.split('\r\n')).toHaveLength(lines);
    expect(unfold(folded)).toBe(line);
    for (const part of folded.split('\r\n').slice(1)) expect(part).toMatch(/^ \S/);
    if (!line.includes('x'.repeat(100))) {
      for (const part of folded.split('\r\n')) expect(part.length).toBeLessThanOrEqual(78);
    }
  });
});

describe('buildMime sender', () => {
  it('keeps a long organisation name within the 78-character soft limit, quoted', async () => {
    const name = "The Federation of Women's Voluntary and Community Sector Resource Centres of England";
    const raw = await buildMime({
      fromName: name,
      fromAddress: 'alerts@example.org',
      to: 'ann@example.org',
      subject: 'Hello',
      text: 'x',
      html: '<p>x</p>',
      unsubscribeUrl: 'http://localhost:3000/unsubscribe?token=T.S',
    });
    expect(Math.max(...headerLineLengths(raw))).toBeLessThanOrEqual(78);
    const head = unfold(raw.toString('latin1').split('\r\n\r\n')[0] ?? '');
    expect(head).toMatch(new RegExp(`^From: "${name}" <alerts@example\\.org>$`, 'm'));
  });
});
