/**
 * RFC 4287 §4.1.1: an Atom entry without content must have an alternate link. Alerts whose URL is
 * not http(s) (a hostile or broken feed) still get one: their own API document.
 */

import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { renderAtom } from '#shared/http/atom.ts';
import { makeAlert } from '../support/builders.ts';

function linksOf(url: string) {
  const xml = renderAtom({
    topic: { id: 'localism-act', title: 'Localism Act 2011' },
    organisation: 'Test',
    selfUrl: 'https://pw.example/api/topics/localism-act/alerts.atom',
    alternateUrl: 'https://pw.example/',
    alerts: [makeAlert({ id: 'abc_-1', url })],
    now: new Date('2026-03-10T12:00:00.000Z'),
    alertUrl: (id) => `https://pw.example/api/alerts/${id}`,
  });
  const $ = cheerio.load(xml, { xml: true });
  return $('entry link')
    .map((_, el) => ({ rel: $(el).attr('rel'), type: $(el).attr('type'), href: $(el).attr('href') }))
    .get();
}

describe('Atom entry alternate links', () => {
  it.each([
    ['https://www.gov.uk/a?b=1&c=2', 'text/html', 'https://www.gov.uk/a?b=1&c=2'],
    ['http://example.org/x', 'text/html', 'http://example.org/x'],
    ['javascript:alert(1)', 'application/json', 'https://pw.example/api/alerts/abc_-1'],
    ['', 'application/json', 'https://pw.example/api/alerts/abc_-1'],
    ['/relative/path', 'application/json', 'https://pw.example/api/alerts/abc_-1'],
  ])('url %j → one alternate link of type %s', (url, type, href) => {
    expect(linksOf(url)).toEqual([{ rel: 'alternate', type, href }]);
  });
});
