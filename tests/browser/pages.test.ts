/**
 * Drives the pages in Debian's Chromium: the staff review flow and a subscriber's whole life
 * (subscribe, confirm from the emailed link, manage, unsubscribe). Screenshots go to
 * tests/browser/artifacts/ (gitignored).
 */

import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type ServerType, serve } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberLinks } from '#shared/services/subscriptions.ts';
import { makeAlert } from '../support/builders.ts';
import { createTestApp, STAFF_KEY, type TestApp } from '../support/http-app.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const available = existsSync(CHROMIUM);

if (!available) {
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: CI must install chromium`);
  console.warn(`\n[browser tests skipped] ${CHROMIUM} not found. Enable with: apt-get install chromium\n`);
}

let t: TestApp;
let server: ServerType;
let base: string;
let browser: Browser;

function local(link: string): string {
  const url = new URL(link);
  return `${base}${url.pathname}${url.search}`;
}

/** Fails the test on any console error, CSP violations included. */
function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

describe.skipIf(!available)('pages in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createTestApp();
    await new Promise<void>((resolve) => {
      server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        base = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await t?.close();
  });

  it('staff see a stale factsheet with its evidence, mark it reviewed and see it cleared', async () => {
    const seeds = [
      {
        title: 'Localism Act 2011 s. 5 amended by the Levelling-up Act 2023',
        whatChanged: 's. 5(2) words substituted by 2023 c. 55 s. 12',
      },
      {
        title: 'Localism Act 2011 Part 5 Chapter 2 repealed',
        whatChanged: 'Pt. 5 Ch. 2 repealed by 2023 c. 55 Sch. 4',
      },
    ];
    for (const [i, seed] of seeds.entries()) {
      const at = `2026-02-0${i + 3}T10:00:00.000Z`;
      await t.store.alerts.create(makeAlert({ ...seed, changedAt: at, detectedAt: at }));
    }
    const context = await browser.newContext({ httpCredentials: { username: 'staff', password: STAFF_KEY } });
    const page = await context.newPage();
    const errors = watchConsole(page);
    await page.goto(`${base}/staff`);
    const card = page.locator('#factsheet-lsp');
    await expect(card.getAttribute('class')).resolves.toContain('stale');
    await expect(card.locator('ul.evidence li').count()).resolves.toBe(2);
    await expect(card.locator('ul.evidence li').first().textContent()).resolves.toContain(
      'Pt. 5 Ch. 2 repealed',
    );
    await expect(
      card.locator('a', { hasText: 'Part 5 Chapter 2 repealed' }).getAttribute('href'),
    ).resolves.toMatch(/^https:\/\/www\.legislation\.gov\.uk\//);
    await page.screenshot({ path: `${ARTIFACTS}staff-dashboard.png`, fullPage: true });

    await card.getByLabel('Review note (optional)').fill('Rewrote the section on LSP duties');
    await card.getByRole('button', { name: /Mark .* reviewed/ }).click();
    await page.waitForURL(/reviewed=lsp/);
    await expect(page.getByRole('status').textContent()).resolves.toContain('as reviewed');
    await expect(page.locator('#factsheet-lsp').getAttribute('class')).resolves.toContain('fresh');
    await page.screenshot({ path: `${ARTIFACTS}staff-reviewed.png`, fullPage: true });
    expect((await t.store.factsheets.reviews('lsp'))[0]?.note).toBe('Rewrote the section on LSP duties');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('staff add a subscriber from the subscribers page, then remove them after confirming', async () => {
    const context = await browser.newContext({ httpCredentials: { username: 'staff', password: STAFF_KEY } });
    const page = await context.newPage();
    const errors = watchConsole(page);
    await page.goto(`${base}/staff`);
    await page.getByRole('link', { name: 'Subscribers' }).click();
    await page.getByLabel('Email address').fill('zoe@example.org');
    await page.getByLabel('Planning').check();
    await page.getByRole('button', { name: 'Add subscriber' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Subscriber added');
    await page.screenshot({ path: `${ARTIFACTS}staff-subscribers.png`, fullPage: true });
    await page.getByRole('button', { name: 'Remove zoe@example.org' }).click();
    await page.getByRole('button', { name: 'Yes, remove zoe@example.org' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('Subscriber removed');
    expect(await t.store.subscribers.get('zoe@example.org')).toBeNull();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('staff judge an alert, report a missed publication and read the quality panel', async () => {
    const noisy = makeAlert({
      topics: ['housing', 'planning'],
      title: 'Housing association annual accounts direction',
      matched: [
        { topic: 'housing', terms: ['housing'] },
        { topic: 'planning', terms: ['planning'] },
      ],
      detectedAt: '2026-03-09T09:00:00.000Z',
      changedAt: '2026-03-09T09:00:00.000Z',
    });
    await t.store.alerts.create(noisy);
    const context = await browser.newContext({ httpCredentials: { username: 'staff', password: STAFF_KEY } });
    const page = await context.newPage();
    const errors = watchConsole(page);
    await page.goto(`${base}/staff`);
    const judge = page.locator(`#alert-${noisy.id}`).getByRole('form', { name: 'Judge for Housing' });
    await judge.getByRole('button', { name: 'Not relevant' }).click();
    await page.waitForURL(/judged=/);
    await expect(page.getByRole('status').textContent()).resolves.toContain('Judgement recorded');
    await expect(
      page
        .locator(`#alert-${noisy.id}`)
        .getByRole('form', { name: 'Judge for Housing' })
        .locator('.badge')
        .textContent(),
    ).resolves.toBe('not relevant');
    await page.screenshot({ path: `${ARTIFACTS}staff-judged.png`, fullPage: true });

    await page.getByLabel('Title').fill('Homelessness code of guidance: chapter 8 revised');
    await page
      .getByLabel('Link')
      .fill('https://www.gov.uk/guidance/homelessness-code-of-guidance-for-local-authorities');
    await page.getByLabel('Summary (optional)').fill('Priority need guidance updated');
    await page.locator('#missed-form').getByLabel('Housing').check();
    await page.getByRole('button', { name: 'Report missed publication' }).click();
    await page.waitForURL(/missed=1/);
    await expect(page.getByRole('status').textContent()).resolves.toContain('Missed publication recorded');

    const row = page.locator('#quality-housing');
    await expect(row.locator('td').allTextContents()).resolves.toEqual([
      '1',
      '0',
      '1',
      '1',
      '0%',
      '0%',
      'housing (1)',
    ]);
    await expect(row.locator('code').textContent()).resolves.toBe('housing OR homelessness');
    await page.locator('#quality').screenshot({ path: `${ARTIFACTS}staff-quality.png` });
    await page.screenshot({ path: `${ARTIFACTS}staff-feedback.png`, fullPage: true });
    await row.getByRole('link', { name: 'housing' }).click();
    await expect(page.locator('#false-term').textContent()).resolves.toContain('matched “housing”');
    await expect(page.locator('#alerts ~ ul.evidence > li').count()).resolves.toBe(1);
    const missed = (await t.store.feedback.all('housing')).missed;
    expect(missed.map((item) => item.title)).toEqual(['Homelessness code of guidance: chapter 8 revised']);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('/docs lists the operations even when the Swagger UI CDN is unreachable', async () => {
    const context = await browser.newContext();
    await context.route('https://cdn.jsdelivr.net/**', (route) => route.abort());
    const page = await context.newPage();
    await page.goto(`${base}/docs`);
    await expect(page.locator('#operations').isVisible()).resolves.toBe(true);
    await expect(page.locator('#operations h3').count()).resolves.toBe(17);
    await page.screenshot({ path: `${ARTIFACTS}docs-offline.png`, fullPage: true });
    await context.close();
  });

  it('a subscriber subscribes, confirms from the email, manages and unsubscribes', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = watchConsole(page);
    await page.goto(`${base}/`);
    await page.getByLabel('Email address').fill('erin@example.org');
    await page.getByLabel('Housing').check();
    await page.getByLabel('Planning').check();
    await page.getByLabel(/Daily digest/).check();
    await page.screenshot({ path: `${ARTIFACTS}subscribe.png`, fullPage: true });
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Check your email');

    const confirm = t.mailer.linksTo('/subscriptions/confirm', 'erin@example.org')[0];
    expect(confirm).toBeDefined();
    await page.goto(local(confirm!));
    await page.screenshot({ path: `${ARTIFACTS}confirm.png`, fullPage: true });
    expect((await t.store.subscribers.get('erin@example.org'))?.status).toBe('pending');
    await page.getByRole('button', { name: 'Confirm subscription' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Subscription confirmed');
    expect((await t.store.subscribers.get('erin@example.org'))?.status).toBe('confirmed');

    await page.getByRole('link', { name: 'Change topics or frequency' }).click();
    await expect(page.getByLabel('Housing').isChecked()).resolves.toBe(true);
    await page.getByLabel('Planning').uncheck();
    await page.getByLabel(/Weekly digest/).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toContain('saved');
    await page.screenshot({ path: `${ARTIFACTS}manage.png`, fullPage: true });
    const stored = (await t.store.subscribers.get('erin@example.org'))!;
    expect([stored.topics, stored.frequency]).toEqual([['housing'], 'weekly']);

    await page.goto(local(subscriberLinks(t.deps, stored).unsubscribe));
    await page.screenshot({ path: `${ARTIFACTS}unsubscribe.png`, fullPage: true });
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('You are unsubscribed');
    expect((await t.store.subscribers.get('erin@example.org'))?.status).toBe('unsubscribed');
    expect(errors).toEqual([]);
    await context.close();
  });
});
