import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#shared/config/schema.ts';
import { findCitations, linkRef } from '#shared/domain/citation-text.ts';
import { htmlDocument, readCitationDocument } from '#shared/sources/parse/citation-document.ts';
import { parseLegislationContents } from '#shared/sources/parse/legislation-contents.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));
const TITLES = new Map([
  ['localism act 2011', 'ukpga/2011/20'],
  ['public services (social value) act 2012', 'ukpga/2012/3'],
  ["local authorities (members' allowances) (england) regulations 2003", 'uksi/2003/1021'],
]);
const refs = (text: string, links: { href: string; text: string }[] = []) =>
  findCitations({ text, links }, TITLES).map((found) => [found.ref, found.text]);

describe('written citations', () => {
  it.each([
    [
      'section 81 of the Localism Act 2011',
      [['ukpga/2011/20/section/81', 'section 81 of the Localism Act 2011']],
    ],
    ['Under the Localism Act 2011, s. 81(5) applies.', [['ukpga/2011/20/section/81/5', 's. 81(5)']]],
    [
      'The Localism Act 2011 ss. 81-83 set it out.',
      [
        ['ukpga/2011/20/section/81', 'ss. 81-83'],
        ['ukpga/2011/20/section/82', 'ss. 81-83'],
        ['ukpga/2011/20/section/83', 'ss. 81-83'],
      ],
    ],
    [
      'Part 5, Chapter 3 of the Localism Act 2011',
      [['ukpga/2011/20/part/5/chapter/3', 'Part 5, Chapter 3 of the Localism Act 2011']],
    ],
    [
      'Chapter 2 of Part 5 of the Localism Act 2011',
      [['ukpga/2011/20/part/5/chapter/2', 'Chapter 2 of Part 5 of the Localism Act 2011']],
    ],
    [
      'Localism Act 2011: Schedule 2 paragraph 3',
      [['ukpga/2011/20/schedule/2/paragraph/3', 'Schedule 2 paragraph 3']],
    ],
    [
      'paragraph 4 of Schedule 5 to the Localism Act 2011',
      [['ukpga/2011/20/schedule/5/paragraph/4', 'paragraph 4 of Schedule 5 to the Localism Act 2011']],
    ],
    [
      'Section 1 of the Public Services (Social Value) Act 2012',
      [['ukpga/2012/3/section/1', 'Section 1 of the Public Services (Social Value) Act 2012']],
    ],
    [
      "The Local Authorities (Members' Allowances) (England) Regulations 2003, regulation 5",
      [['uksi/2003/1021/regulation/5', 'regulation 5']],
    ],
  ])('%s', (text, expected) => {
    expect(refs(text)).toEqual(expected);
  });

  it('ignores a bare provision with no Act named before it, and an Act named alone', () => {
    expect(refs('Under s. 81(5) a body may apply. The Localism Act 2011 is long.')).toEqual([]);
    expect(refs('The Localism Act 2011 changed a lot.')).toEqual([]);
  });

  it('ignores provisions of an Act it cannot name', () => {
    expect(refs('The Imaginary Act 2031, section 4, says so.')).toEqual([]);
  });

  it('resolves an Act named in the document from its own link text, or by the only linked Act of that year', () => {
    const link = {
      href: 'https://www.legislation.gov.uk/ukpga/2007/28/contents',
      text: 'Local Government and Public Involvement in Health Act 2007',
    };
    expect(
      refs('See section 138 of the Local Government and Public Involvement in Health Act 2007.', [link]),
    ).toEqual([
      ['ukpga/2007/28', 'Local Government and Public Involvement in Health Act 2007'],
      [
        'ukpga/2007/28/section/138',
        'section 138 of the Local Government and Public Involvement in Health Act 2007',
      ],
    ]);
    const bare = { href: 'http://www.legislation.gov.uk/id/ukpga/2000/22', text: 'here' };
    expect(refs('The Local Government Act 2000, section 4, requires a strategy.', [bare])).toContainEqual([
      'ukpga/2000/22/section/4',
      'section 4',
    ]);
  });
});

describe('legislation.gov.uk links', () => {
  it.each([
    ['https://www.legislation.gov.uk/ukpga/2011/20/section/81', 'ukpga/2011/20/section/81'],
    ['http://www.legislation.gov.uk/id/ukpga/2011/20/section/81', 'ukpga/2011/20/section/81'],
    [
      'http://legislation.data.gov.uk/ukpga/2011/20/part/5/chapter/2/enacted',
      'ukpga/2011/20/part/5/chapter/2',
    ],
    ['https://legislation.gov.uk/ukpga/2011/20/contents', 'ukpga/2011/20'],
    ['https://www.legislation.gov.uk/ukpga/2011/20/section/81/2020-01-01', 'ukpga/2011/20/section/81'],
    ['https://www.legislation.gov.uk/uksi/2003/1021/regulation/5/made', 'uksi/2003/1021/regulation/5'],
    ['https://www.legislation.gov.uk/ukpga/2011/20/notes/contents', 'ukpga/2011/20'],
    ['https://example.org/ukpga/2011/20', null],
  ])('%s', (href, ref) => {
    expect(linkRef(href)).toBe(ref);
  });
});

describe('factsheet documents', () => {
  it('reads an HTML page: visible text and links, not scripts', () => {
    const doc = htmlDocument(
      `<html><head><script>var x = "section 1 of the Localism Act 2011";</script></head><body>
       <p>The <a href="/ukpga/2011/20/section/81">right to challenge</a> is in the Localism Act 2011.</p>
       <p>Under Part 5, Chapter 3 assets can be listed.</p></body></html>`,
      'https://www.legislation.gov.uk/guide',
    );
    expect(findCitations(doc, TITLES).map((found) => found.ref)).toEqual([
      'ukpga/2011/20/section/81',
      'ukpga/2011/20/part/5/chapter/3',
    ]);
  });

  it('reads a PDF (tests/fixtures/factsheet-citations.pdf, made by scripts/make-citation-pdf.ts)', async () => {
    const doc = await readCitationDocument(fixture('factsheet-citations.pdf'), {
      contentType: 'application/pdf',
      charset: null,
      url: 'https://example.org/f.pdf',
    });
    expect(findCitations(doc, TITLES).map((found) => [found.ref, found.text])).toEqual([
      ['ukpga/2011/20/part/5/chapter/2', 'Part 5, Chapter 2 of the Localism Act 2011'],
      ['ukpga/2011/20/section/81/5', 's. 81(5)'],
      ['ukpga/2011/20/section/87', 'ss. 87-89'],
      ['ukpga/2011/20/section/88', 'ss. 87-89'],
      ['ukpga/2011/20/section/89', 'ss. 87-89'],
      ['ukpga/2011/20/schedule/2/paragraph/3', 'Schedule 2 paragraph 3 of the Localism Act 2011'],
    ]);
  });

  it('refuses a broken PDF with a reason', async () => {
    await expect(
      readCitationDocument(Buffer.from('%PDF-1.4\nnot really'), {
        contentType: 'application/pdf',
        charset: null,
        url: 'https://x/y.pdf',
      }),
    ).rejects.toThrow(/could not read the PDF/);
  });
});

describe('legislation contents (CLML)', () => {
  it('maps sections to their part and chapter (a primary Act: constructed in the real shape)', () => {
    const contents = parseLegislationContents(
      fixture('legislation-ukpga-2011-20-contents-constructed.xml'),
      null,
    );
    expect(contents.id).toBe('ukpga/2011/20');
    expect(contents.title).toBe('Localism Act 2011');
    expect(contents.containers['section/81']).toEqual(['part/5', 'part/5/chapter/2']);
    expect(contents.containers['section/90']).toEqual(['part/5', 'part/5/chapter/3']);
    expect(contents.containers['section/1']).toEqual(['part/1', 'part/1/chapter/1']);
    expect(contents.containers['schedule/5']).toBeUndefined();
  });

  it('reads a recorded instrument without parts (nothing to contain)', () => {
    const contents = parseLegislationContents(
      fixture('legislation-uksi-2015-1978-contents-made-data.xml'),
      null,
    );
    expect(contents).toEqual({
      id: 'uksi/2015/1978',
      title: 'The Value Added Tax (Amendment) Regulations 2015',
      containers: {},
    });
  });

  it('refuses what is not a contents document', () => {
    expect(() => parseLegislationContents(fixture('legislation-new-data-feed-2015.xml'), null)).toThrow(
      /contents/,
    );
  });
});

describe('config: cites', () => {
  const base = {
    organisation: { name: 'X', contact: 'x@example.org' },
    sources: [],
    topics: [{ id: 't', title: 'T', query: 'x' }],
    digests: { from: 'a@example.org' },
  };
  it('normalises to lower case, allows empty topics with cites, defaults the legislation block', () => {
    const result = parseConfig({
      ...base,
      factsheets: [
        { id: 'f', title: 'F', topics: [], cites: ['UKPGA/2011/20/Section/81'], reviewedAt: '2026-01-01' },
      ],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.factsheets[0]).toMatchObject({
      cites: ['ukpga/2011/20/section/81'],
      readCitations: false,
      allowPrivateNetwork: false,
    });
    expect(result.config.legislation).toEqual({
      baseUrl: 'https://www.legislation.gov.uk',
      allowPrivateNetwork: false,
      every: '1h',
    });
  });

  it('names the path of every bad citation', () => {
    const result = parseConfig({
      ...base,
      factsheets: [
        {
          id: 'f',
          title: 'F',
          topics: [],
          cites: ['ukpga/2011/20', 'ukpga/2011/20/chapter/3', 'localism'],
          reviewedAt: '2026-01-01',
        },
        { id: 'g', title: 'G', topics: [], reviewedAt: '2026-01-01' },
        { id: 'h', title: 'H', topics: [], readCitations: true, reviewedAt: '2026-01-01' },
      ],
      legislation: { every: '1m' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.path)).toEqual([
      'factsheets[0].cites[1]',
      'factsheets[0].cites[2]',
      'factsheets[1].topics',
      'factsheets[2].url',
      'legislation.every',
    ]);
    expect(result.errors[0]!.message).toMatch(/TYPE\/YEAR\/NUMBER/);
  });
});
