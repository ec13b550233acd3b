/**
 * Staff feedback over dynalite: the standing judgement per (alert, topic), missed items, the
 * feedback listing and its pages, quality figures on a set with known precision and recall, and
 * the effects on digests and Atom feeds.
 */

import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { runDigest } from '#shared/services/digest.ts';
import { judgeAlert, listFeedback, qualityOf, reportMissed } from '#shared/services/feedback.ts';
import { makeAlert, makeSubscriber, unjudgedQuality } from '../support/builders.ts';
import { type TestApp, useTestApp } from '../support/http-app.ts';

let t: TestApp;
useTestApp((app) => {
  t = app;
});

async function judge(alertId: string, topic: string, relevant: boolean, note?: string) {
  const result = await judgeAlert(t.deps, alertId, { topic, relevant, note });
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.judgement;
}

describe('judgements', () => {
  it('the latest per (alert, topic) stands and replaces the earlier one in every listing', async () => {
    const alert = makeAlert({ topics: ['housing', 'planning'] });
    await t.store.alerts.create(alert);
    await judge(alert.id, 'housing', true, 'spot on');
    t.clock.advance(60_000);
    await judge(alert.id, 'planning', false);
    t.clock.advance(60_000);
    const latest = await judge(alert.id, 'housing', false);
    expect(latest).toEqual({
      type: 'judgement',
      alertId: alert.id,
      topic: 'housing',
      relevant: false,
      at: '2026-03-10T12:02:00.000Z',
    });

    const all = await listFeedback(t.deps, { limit: 20 });
    expect(
      all.items.map((item) => item.type === 'judgement' && [item.topic, item.relevant, item.at]),
    ).toEqual([
      ['housing', false, '2026-03-10T12:02:00.000Z'],
      ['planning', false, '2026-03-10T12:01:00.000Z'],
    ]);
    const housing = await listFeedback(t.deps, { topic: 'housing', limit: 20 });
    expect(housing.items).toEqual([latest]);
    const judged = await t.store.feedback.judgementsOf([alert]);
    expect(
      judged
        .get(alert.id)
        ?.map((j) => [j.topic, j.relevant])
        .sort(),
    ).toEqual([
      ['housing', false],
      ['planning', false],
    ]);
  });

  it('an older judgement never replaces a newer one (racing writers)', async () => {
    const alert = makeAlert({ topics: ['housing'] });
    await t.store.alerts.create(alert);
    await judge(alert.id, 'housing', false);
    const stale = {
      type: 'judgement' as const,
      alertId: alert.id,
      topic: 'housing',
      relevant: true,
      at: '2026-03-10T11:00:00.000Z',
      terms: [],
    };
    expect(await t.store.feedback.judge(stale)).toBe(false);
    expect((await listFeedback(t.deps, { limit: 5 })).items).toMatchObject([{ relevant: false }]);
  });

  it('refuses an unknown alert, a topic the alert lacks and an oversized note, changing nothing', async () => {
    const alert = makeAlert({ topics: ['housing'] });
    await t.store.alerts.create(alert);
    expect(await judgeAlert(t.deps, 'nope', { topic: 'housing', relevant: true })).toMatchObject({
      ok: false,
      error: 'not_found',
    });
    expect(await judgeAlert(t.deps, alert.id, { topic: 'planning', relevant: true })).toMatchObject({
      ok: false,
      details: [{ path: 'topic' }],
    });
    expect(
      await judgeAlert(t.deps, alert.id, { topic: 'housing', relevant: true, note: 'x'.repeat(2001) }),
    ).toMatchObject({ ok: false, details: [{ path: 'note' }] });
    expect((await listFeedback(t.deps, { limit: 5 })).items).toEqual([]);
  });

  it('keeps a judgement on a topic removed from the config', async () => {
    const alert = makeAlert({ topics: ['retired'], matched: [{ topic: 'retired', terms: ['old'] }] });
    await t.store.alerts.create(alert);
    await judge(alert.id, 'retired', false);
    expect((await listFeedback(t.deps, { topic: 'retired', limit: 5 })).items).toHaveLength(1);
    expect(await qualityOf(t.deps, 'retired')).toMatchObject({ judged: 1, notRelevant: 1 });
    expect(await qualityOf(t.deps, 'never-was')).toBeNull();
  });
});

describe('missed items and the feedback listing', () => {
  it('lists a missed item under each of its topics, newest first with judgements', async () => {
    const alert = makeAlert({ topics: ['housing'] });
    await t.store.alerts.create(alert);
    await judge(alert.id, 'housing', true);
    t.clock.advance(1000);
    const result = await reportMissed(t.deps, {
      title: 'Homelessness code of guidance, chapter 8',
      url: 'https://www.gov.uk/guidance/homelessness-code-of-guidance-for-local-authorities/chapter-8',
      summary: '  Priority need  ',
      topics: ['housing', 'planning'],
    });
    if (!result.ok) throw new Error('refused');
    expect(result.missed).toMatchObject({
      type: 'missed',
      summary: 'Priority need',
      at: '2026-03-10T12:00:01.000Z',
    });
    expect(result.missed.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect((await listFeedback(t.deps, { limit: 5 })).items.map((item) => item.type)).toEqual([
      'missed',
      'judgement',
    ]);
    expect((await listFeedback(t.deps, { topic: 'planning', limit: 5 })).items).toEqual([result.missed]);
    expect((await listFeedback(t.deps, { topic: 'housing', limit: 5 })).items).toHaveLength(2);
  });

  it('refuses a non-http link, unknown topics and an empty title, recording nothing', async () => {
    const result = await reportMissed(t.deps, {
      title: ' ',
      url: 'javascript:alert(1)',
      topics: ['housing', 'nope'],
    });
    expect(result).toMatchObject({
      ok: false,
      details: [{ path: 'title' }, { path: 'url' }, { path: 'topics[1]' }],
    });
    expect(
      await reportMissed(t.deps, { title: 'x', url: 'ftp://example.org/a', topics: ['housing'] }),
    ).toMatchObject({ ok: false, details: [{ path: 'url' }] });
    expect((await listFeedback(t.deps, { limit: 5 })).items).toEqual([]);
  });

  it('pages like /api/alerts: every page but the last full, nextCursor null only on the last', async () => {
    for (let i = 0; i < 23; i++) {
      t.clock.advance(1000);
      await reportMissed(t.deps, {
        title: `Missed ${i}`,
        url: `https://example.org/${i}`,
        topics: ['housing'],
      });
    }
    const titles: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await listFeedback(t.deps, { topic: 'housing', limit: 10, cursor });
      sizes.push(page.items.length);
      titles.push(...page.items.map((item) => (item.type === 'missed' ? item.title : '')));
      cursor = page.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([10, 10, 3]);
    expect(titles).toEqual(Array.from({ length: 23 }, (_, i) => `Missed ${22 - i}`));
    await expect(listFeedback(t.deps, { limit: 10, cursor: 'bm90LWEtY3Vyc29y' })).rejects.toThrow(/cursor/);
  });
});

describe('quality', () => {
  it('computes precision, recall and false terms on a set whose figures are known', async () => {
    // 6 relevant + 4 not relevant judged on housing, 2 missed: precision 0.6, recall 6/8.
    const terms = [['housing'], ['housing'], ['homelessness'], ['housing', 'homelessness']];
    for (let i = 0; i < 10; i++) {
      const relevant = i < 6;
      const alert = makeAlert({
        topics: ['housing', 'planning'],
        matched: [
          { topic: 'housing', terms: relevant ? ['housing'] : terms[i - 6]! },
          { topic: 'planning', terms: ['planning'] },
        ],
      });
      await t.store.alerts.create(alert);
      await judge(alert.id, 'housing', relevant);
      // Judgements on another topic never count here.
      await judge(alert.id, 'planning', false);
    }
    // A judgement changed from not relevant to relevant counts once, as it stands.
    const flipped = makeAlert({ topics: ['housing'], matched: [{ topic: 'housing', terms: ['housing'] }] });
    await t.store.alerts.create(flipped);
    await judge(flipped.id, 'housing', false);
    await judge(flipped.id, 'housing', true);
    for (const n of [1, 2]) {
      await reportMissed(t.deps, {
        title: `Missed ${n}`,
        url: `https://example.org/${n}`,
        topics: ['housing'],
      });
    }
    await reportMissed(t.deps, { title: 'Other', url: 'https://example.org/o', topics: ['planning'] });

    expect(await qualityOf(t.deps, 'housing')).toEqual({
      topic: 'housing',
      judged: 11,
      relevant: 7,
      notRelevant: 4,
      missed: 2,
      precision: 7 / 11,
      recall: 7 / 9,
      falseTerms: [
        { term: 'housing', count: 3 },
        { term: 'homelessness', count: 2 },
      ],
    });
    expect(await qualityOf(t.deps, 'localism-act')).toEqual(unjudgedQuality('localism-act'));
  });
});

describe('effects of a judgement', () => {
  const subscriber = (email: string, topics: string[]) =>
    makeSubscriber({ email, topics, createdAt: '2026-03-01T00:00:00.000Z' });

  it("leaves a not-relevant alert out of that topic's digests, not its other topics'", async () => {
    const noise = makeAlert({ topics: ['housing'], title: 'Noise about housing' });
    const both = makeAlert({ topics: ['housing', 'planning'], title: 'Planning reform, housing aside' });
    const kept = makeAlert({ topics: ['housing'], title: 'Homelessness duty changed' });
    for (const alert of [noise, both, kept]) await t.store.alerts.create(alert);
    await judge(noise.id, 'housing', false);
    await judge(both.id, 'housing', false);
    await judge(kept.id, 'housing', true);
    await t.store.subscribers.put(subscriber('housing@example.org', ['housing']));
    await t.store.subscribers.put(subscriber('both@example.org', ['housing', 'planning']));

    const report = await runDigest(t.deps, { frequency: 'daily' });
    expect(report.sent.map((sent) => [sent.email, sent.alerts])).toEqual([
      ['both@example.org', 2],
      ['housing@example.org', 1],
    ]);
    const housingMail = t.mailer.last('housing@example.org')!.text;
    expect(housingMail).toContain('Homelessness duty changed');
    expect(housingMail).not.toContain('Noise about housing');
    expect(housingMail).not.toContain('Planning reform');
    const bothMail = t.mailer.last('both@example.org')!;
    // Shown under Planning only: the housing heading holds just the relevant alert.
    const html = bothMail.text.slice(bothMail.text.indexOf('<html'));
    const $ = cheerio.load(html);
    const headings = $('h2')
      .map((_, el) => $(el).text())
      .get();
    expect(headings.filter((text) => /Housing|Planning/.test(text))).toHaveLength(2);
    expect(bothMail.text).not.toContain('Noise about housing');
    expect((await t.store.deliveries.list('housing@example.org')).map((d) => d.alertId)).toEqual([kept.id]);
  });

  it("leaves it out of the topic's Atom feed, which still shows the 50 newest others", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const at = new Date(Date.parse('2026-03-01T00:00:00Z') + i * 60_000).toISOString();
      const alert = makeAlert({ topics: ['housing', 'planning'], detectedAt: at, changedAt: at });
      await t.store.alerts.create(alert);
      ids.push(alert.id);
    }
    const newest = ids.slice(-5);
    for (const id of newest) await judge(id, 'housing', false);
    const res = await t.app.request('/api/topics/housing/alerts.atom');
    const entries = [...(await res.text()).matchAll(/urn:policy-watch:alert:([^<]+)</g)].map((m) => m[1]);
    expect(entries).toEqual(ids.slice(5, 55).reverse());
    // The same alerts stay in the other topic's feed and in the API, with their judgements.
    const planning = await (await t.app.request('/api/topics/planning/alerts.atom')).text();
    expect(planning).toContain(`urn:policy-watch:alert:${newest[4]}<`);
    const listed = (await (await t.app.request('/api/alerts?topic=housing&limit=1')).json()) as {
      items: { id: string; judged?: unknown }[];
    };
    expect(listed.items[0]).toMatchObject({ id: newest[4], judged: [{ topic: 'housing', relevant: false }] });
  });
});
