import { describe, expect, it } from 'vitest';
import { ParseError } from '#shared/sources/errors.ts';
import { parseFeed, readFeed } from '#shared/sources/parse/feed.ts';
import { isCurrentFingerprint } from '#shared/sources/parse/fingerprint.ts';
import { legislationIdFromUri } from '#shared/sources/parse/legislation.ts';
import { fixture } from '../../../support/fixture-server.ts';

const read = (name: string) => fixture(name).toString('utf8');

describe('legislation.gov.uk new legislation feed (real, 2015)', async () => {
  const feed = await parseFeed(
    read('legislation-new-data-feed-2015.xml'),
    'https://www.legislation.gov.uk/new/data.feed',
  );

  it('has 20 entries keyed by their legislation ids, and the next page', () => {
    expect(feed.items).toHaveLength(20);
    expect(feed.title).toBe('Search Results');
    expect(feed.nextUrl).toBe('http://legislation.data.gov.uk/all/data.feed?sort=published&page=2');
    expect(
      feed.items.every((item) =>
        /^http:\/\/www\.legislation\.gov\.uk\/id\/[a-z]+\/2015\/\d+$/.test(item.key),
      ),
    ).toBe(true);
  });

  it('keeps published vs updated, ukm metadata, category and the link without rel as url', () => {
    expect(feed.items[0]).toEqual({
      key: 'http://www.legislation.gov.uk/id/uksi/2015/2028',
      title: 'The Police and Crime Commissioner Elections (Designation of Local Authorities) Order 2015',
      url: 'http://www.legislation.gov.uk/uksi/2015/2028/made',
      summary: expect.stringMatching(
        /^This Order designates for the purposes of section 75\(1\) of the Police Reform/,
      ),
      content: '',
      publishedAt: '2015-12-16T00:20:05.739Z',
      updatedAt: '2015-12-16T08:56:57.487Z',
      links: [
        'http://www.legislation.gov.uk/id/uksi/2015/2028',
        'http://www.legislation.gov.uk/uksi/2015/2028/made',
        'http://legislation.data.gov.uk/uksi/2015/2028/made/data.xml',
        'http://legislation.data.gov.uk/uksi/2015/2028/made/data.rdf',
        'http://legislation.data.gov.uk/uksi/2015/2028/made/data.akn',
        'http://legislation.data.gov.uk/uksi/2015/2028/made/data.htm',
        'http://legislation.data.gov.uk/uksi/2015/2028/made/data.pdf',
        'http://www.legislation.gov.uk/uksi/2015/2028/contents/made',
      ],
      meta: {
        documentMainType: 'UnitedKingdomStatutoryInstrument',
        year: '2015',
        number: '2028',
        categories: ['POLICE, ENGLAND AND WALES'],
      },
    });
  });

  it('every link, legislation.data.gov.uk ones included, normalises to the entry id', () => {
    for (const item of feed.items) {
      const id = legislationIdFromUri(item.key)?.id;
      expect(id).toBe(item.key.replace('http://www.legislation.gov.uk/id/', ''));
      for (const link of item.links) expect(legislationIdFromUri(link)?.id).toBe(id);
      expect(item.meta?.year).toBe('2015');
      expect(id?.endsWith(`/${item.meta?.number}`)).toBe(true);
    }
  });

  it('reads bilingual XHTML titles English first', () => {
    const welsh = feed.items.find((item) => item.key === 'http://www.legislation.gov.uk/id/wsi/2015/2017');
    expect(welsh?.title).toBe(
      'The A494 Trunk Road (Wernfechan, Ruthin, Denbighshire) (Prohibition of Waiting) Order 2015 / Gorchymyn Cefnffordd yr A494 (Wern, Fechan, Rhuthun, Sir Ddinbych) (Gwahardd Aros) 2015',
    );
    expect(welsh?.summary).toBe('');
  });
});

describe('legislation.gov.uk changes (effects) feed (real)', async () => {
  const base =
    'https://www.legislation.gov.uk/changes/affected/ukpga/2018/12/data.feed?results-count=3&sort=modified';
  const feed = await parseFeed(read('legislation-changes-affected-ukpga-2018-12.feed.xml'), base);
  const affecting = {
    id: 'uksi/2026/386',
    title:
      'The Data (Use and Access) Act 2025 (Consequential Amendments and Transitional Provision) Regulations 2026',
    uri: 'http://www.legislation.gov.uk/id/uksi/2026/386',
  };
  const affected = {
    id: 'ukpga/2018/12',
    title: 'Data Protection Act 2018',
    uri: 'http://www.legislation.gov.uk/id/ukpga/2018/12',
  };

  it('has 3 effects and the next page', () => {
    expect(feed.items).toHaveLength(3);
    expect(feed.title).toBe('Changes to Legislation');
    expect(feed.nextUrl).toBe(
      'http://www.legislation.gov.uk/changes/affected/ukpga/2018/12/data.feed?results-count=3&sort=modified&page=2',
    );
  });

  it.each([
    [
      0,
      'key-afc4da5af850ada1378557cf240207e0',
      's. 65 heading',
      'https://www.legislation.gov.uk/ukpga/2018/12/part/3/chapter/4/crossheading/general-obligations',
    ],
    [
      1,
      'key-bc33c98719db379d14790ed66d2ab742',
      's. 67 heading',
      'https://www.legislation.gov.uk/ukpga/2018/12/part/3/chapter/4/crossheading/obligations-relating-to-personal-data-breaches',
    ],
    [
      2,
      'key-f0336bebef2174085eb863038bf1be55',
      'Pt. 5 heading',
      'https://www.legislation.gov.uk/ukpga/2018/12/part/5',
    ],
  ])('entry %i: every effect field exact', (index, key, provision, url) => {
    const item = feed.items[index]!;
    expect(item.key).toBe(
      `http://www.legislation.gov.uk/changes/affected/ukpga/2018/12/affecting/uksi/2026/386/${key}/modified/2026-09-25T14:19:14Z`,
    );
    expect(item.title).toBe(`${affecting.title} effect on Data Protection Act 2018`);
    expect(item.url).toBe(url);
    expect(item.publishedAt).toBeNull();
    expect(item.updatedAt).toBe('2026-09-25T14:19:14.000Z');
    expect(item.content).toBe('');
    expect(item.effect).toEqual({
      affected,
      affecting,
      effect: 'word substituted',
      provisions: { affected: provision, affecting: 'Sch. 2 para. 23(2)(3)' },
      inForce: [{ date: '2026-09-30', qualification: 'wholly in force' }],
    });
    expect(item.meta).toEqual({ applied: false });
    expect(item.links).toContain('http://www.legislation.gov.uk/id/ukpga/2018/12');
    expect(item.links).toContain('http://www.legislation.gov.uk/id/uksi/2026/386');
  });
});

describe('UK Parliament public bills RSS (real, 2017)', async () => {
  const feed = await parseFeed(
    read('parliament-bills-allpublicbills-2017.rss.xml'),
    'http://services.parliament.uk/bills/AllPublicBills.rss',
  );

  it.each([
    [
      0,
      'dataprotection',
      'Data Protection',
      'Report stage',
      ['Lords', 'Government Bill'],
      '2017-11-03T18:05:44.000Z',
    ],
    [
      1,
      'europeanunionwithdrawal',
      'European Union (Withdrawal)',
      'Committee stage',
      ['Commons', 'Government Bill'],
      '2017-11-03T16:27:37.000Z',
    ],
    [
      2,
      'automatedandelectricvehicles',
      'Automated and Electric Vehicles',
      'Committee stage',
      ['Commons', 'Government Bill'],
      '2017-11-03T11:01:38.000Z',
    ],
    [
      3,
      'smartmeters',
      'Smart Meters',
      'Committee stage',
      ['Commons', 'Government Bill'],
      '2017-11-03T10:20:53.000Z',
    ],
  ])(
    'item %i: %s with stage, a10:updated and categories',
    (index, slug, title, stage, categories, updated) => {
      const item = feed.items[index]!;
      const url = `http://services.parliament.uk/bills/2017-19/${slug}.html`;
      expect(item).toMatchObject({
        key: url,
        url,
        title,
        publishedAt: null,
        updatedAt: updated,
        links: [url],
        content: '',
      });
      expect(item.meta).toEqual({ stage, categories });
      expect(item.summary).toMatch(/^A Bill to /);
    },
  );

  it('has exactly 4 items and no next page', () => {
    expect(feed.items).toHaveLength(4);
    expect(feed.nextUrl).toBeNull();
    expect(feed.title).toBe('Public Bills');
  });

  it('finds the stage whatever the namespace prefix', async () => {
    const renamed = read('parliament-bills-allpublicbills-2017.rss.xml')
      .replaceAll('p4:', 'ns7:')
      .replaceAll('a10:', 'atom:');
    const again = await parseFeed(renamed, 'http://services.parliament.uk/bills/AllPublicBills.rss');
    expect(again.items[0]?.meta?.stage).toBe('Report stage');
    expect(again.items[0]?.updatedAt).toBe('2017-11-03T18:05:44.000Z');
  });
});

describe('constructed feeds', () => {
  it('GOV.UK finder Atom: text/html alternate, relative links resolved, HTML summaries as text', async () => {
    const feed = await parseFeed(
      read('govuk-finder-news-and-communications.atom.xml'),
      'https://www.gov.uk/search/news-and-communications.atom?keywords=localism',
    );
    expect(feed.title).toBe('News and communications about localism');
    expect(feed.nextUrl).toBeNull();
    expect(
      feed.items.map((item) => [item.key, item.url, item.summary, item.publishedAt, item.updatedAt]),
    ).toEqual([
      [
        'tag:www.gov.uk,2005:/government/news/community-right-to-bid-review-launched',
        'https://www.gov.uk/government/news/community-right-to-bid-review-launched',
        'A review of the community right to bid under the Localism Act 2011 opens today.',
        null,
        '2026-11-20T09:30:00.000Z',
      ],
      [
        'tag:www.gov.uk,2005:/government/speeches/councillors-and-civil-society',
        'https://www.gov.uk/government/speeches/councillors-and-civil-society',
        'Ministers set out how councils & charities can work together.',
        null,
        '2026-11-18T14:00:00.000Z',
      ],
      [
        'tag:www.gov.uk,2005:/government/publications/participatory-budgeting-guidance',
        'https://www.gov.uk/government/publications/participatory-budgeting-guidance',
        '',
        null,
        '2026-11-17T00:00:00.000Z',
      ],
    ]);
  });

  it('RSS 2.0: guid, else link; pubDate; description vs content:encoded; relative next', async () => {
    const feed = await parseFeed(read('rss2-constructed.xml'), 'https://news.example.org/feed.xml');
    expect(feed.nextUrl).toBe('https://news.example.org/feed.xml?page=2');
    const [first, second, third] = feed.items;
    expect(first).toEqual({
      key: 'news-example-4411',
      title: 'Outsourcing of charity services: new report',
      url: 'https://news.example.org/2026/11/outsourcing-report',
      summary: 'The report finds outsourcing rose by 12%. Read more…',
      content: 'Findings Outsourcing rose by 12% & commissioning changed.',
      publishedAt: '2026-11-23T08:15:00.000Z',
      updatedAt: null,
      links: ['https://news.example.org/2026/11/outsourcing-report'],
      meta: { categories: ['Commissioning'] },
    });
    expect(second).toMatchObject({
      key: 'https://news.example.org/2026/11/no-guid',
      url: 'https://news.example.org/2026/11/no-guid',
      summary: 'Plain text description bold',
      publishedAt: '2026-11-22T18:00:00.000Z',
    });
    expect(third).toMatchObject({ key: 'https://news.example.org/2026/11/bad-date', publishedAt: null });
  });

  it('RDF / RSS 1.0: items keyed by link, dc:date read, date-only values in the zone', async () => {
    const feed = await parseFeed(read('rdf-rss1-constructed.rdf'), 'https://council.example.gov.uk/news.rdf');
    expect(feed.title).toBe('Council news');
    expect(feed.items.map((item) => [item.key, item.title, item.summary, item.publishedAt])).toEqual([
      [
        'https://council.example.gov.uk/news/lsp-review',
        'Local strategic partnership review begins',
        'The council will review its local strategic partnership.',
        '2026-11-19T10:00:00.000Z',
      ],
      [
        'https://council.example.gov.uk/news/budget-panel',
        "Residents' panel on participatory budgeting",
        'Residents will decide how £50,000 is spent.',
        '2026-11-12T00:00:00.000Z',
      ],
    ]);
  });

  it('Commons Library WordPress RSS: guid with &amp;, CDATA HTML, categories', async () => {
    const feed = await parseFeed(
      read('commons-library-wordpress.rss.xml'),
      'https://commonslibrary.parliament.uk/feed/',
    );
    expect(feed.items).toHaveLength(2);
    expect(feed.items[0]).toMatchObject({
      key: 'https://commonslibrary.parliament.uk/?post_type=research-briefings&p=12345',
      url: 'https://commonslibrary.parliament.uk/research-briefings/sn05950/',
      title: 'Local government in England: structures',
      publishedAt: '2026-11-24T11:45:00.000Z',
      meta: { categories: ['Local government', 'Localism'] },
    });
    expect(feed.items[0]?.summary).toMatch(
      /^This briefing explains the structures of local government in England, including councillors’ roles\. The post/,
    );
    expect(feed.items[0]?.content).toMatch(/England\. County councils District councils The post/);
    expect(feed.items[1]?.content).toBe('');
  });
});

describe('hostile and broken documents fail with a ParseError', () => {
  it.each([
    ['xml-entity-bomb.xml', 'unsafe-xml', /^XML entity declarations are not allowed/],
    ['xml-external-entity.xml', 'unsafe-xml', /^XML entity declarations are not allowed/],
    ['xml-malformed.xml', 'malformed', /^not a feed: malformed XML/],
    [
      'legislation-uksi-2015-1978-contents-made-data.xml',
      'not-a-feed',
      /^not a feed: the document is XML but neither RSS, Atom nor RDF/,
    ],
  ])('%s', async (name, code, message) => {
    const error = await parseFeed(read(name), 'https://example.org/feed').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).code).toBe(code);
    expect((error as ParseError).message).toMatch(message);
  });

  it('reads an RSS 0.91 feed naming its external DTD, without loading it', async () => {
    const xml =
      '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><title>Old</title><item><title>One</title><link>https://example.org/1</link></item></channel></rss>';
    const feed = await parseFeed(xml, 'https://example.org/');
    expect(feed.items.map((item) => [item.key, item.title])).toEqual([['https://example.org/1', 'One']]);
  });

  it('still refuses an external entity declared in the internal subset', async () => {
    const xml =
      '<!DOCTYPE rss SYSTEM "http://example.org/rss.dtd" [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]><rss version="2.0"><channel><title>&x;</title></channel></rss>';
    await expect(parseFeed(xml, 'https://example.org/')).rejects.toThrow(
      /entity declarations are not allowed/,
    );
  });

  it('allows a DOCTYPE without entities or external ids', async () => {
    const feed = await parseFeed(
      '<!DOCTYPE rss><rss version="2.0"><channel><title>ok</title></channel></rss>',
      'https://example.org/',
    );
    expect(feed.title).toBe('ok');
  });
});

describe('readFeed: entries keyed and fingerprinted, converted on demand', async () => {
  const xml = read('legislation-new-data-feed-2015.xml');
  const url = 'https://www.legislation.gov.uk/new/data.feed';
  const firstEntry = (text: string, base = url, timezone?: string) =>
    readFeed(text, base, timezone ? { timezone } : {}).then((feed) => feed.entries[0]!);

  it('converts each entry to exactly the item parseFeed gives, under the same key', async () => {
    const [lazy, parsed] = await Promise.all([readFeed(xml, url), parseFeed(xml, url)]);
    expect(lazy.entries.map((entry) => entry.convert())).toEqual(parsed.items);
    expect(lazy.entries.map((entry) => entry.key)).toEqual(parsed.items.map((item) => item.key));
    expect([lazy.nextUrl, lazy.title]).toEqual([parsed.nextUrl, parsed.title]);
    expect(new Set(lazy.entries.map((entry) => entry.fingerprint)).size).toBe(20);
    expect(lazy.entries.every((entry) => isCurrentFingerprint(entry.fingerprint))).toBe(true);
  });

  const same = await firstEntry(xml);
  it.each<[string, () => Promise<{ fingerprint: string }>, boolean]>([
    ['the same document again', () => firstEntry(xml), true],
    [
      'another entry changed',
      () => firstEntry(xml.replace('The Gloucester (Electoral', 'The Tewkesbury (Electoral')),
      true,
    ],
    [
      'the entry’s title changed',
      () => firstEntry(xml.replace('Elections (Designation', 'Elections (Redesignation')),
      false,
    ],
    [
      'only whitespace in the entry changed',
      () => firstEntry(xml.replace('Elections (Designation', 'Elections  (Designation')),
      false,
    ],
    [
      'fetched from another address',
      () => firstEntry(xml, 'https://www.legislation.gov.uk/new/data.feed?page=1'),
      false,
    ],
    ['read in another time zone', () => firstEntry(xml, url, 'UTC'), false],
  ])('fingerprint of the first entry, %s: equal %s', async (_case, entry, equal) => {
    expect((await entry()).fingerprint === same.fingerprint).toBe(equal);
  });

  it('does not count a stored fingerprint from another conversion, or none, as current', () => {
    expect(isCurrentFingerprint(undefined)).toBe(false);
    expect(isCurrentFingerprint('c0.AAAAAAAAAAAAAAAAAAAAAA')).toBe(false);
    expect(isCurrentFingerprint(same.fingerprint)).toBe(true);
  });
});
