/**
 * @module The bench's synthetic sources: GOV.UK-shaped Atom feeds of 50 entries and ~4 KB HTML
 * pages, deterministic per index and "generation" (a changed feed or page is a new generation).
 */

const TOPIC_WORDS = ['localism', 'charity', 'procurement', 'housing', 'volunteering'];
const FILLER = [
  'guidance',
  'consultation',
  'statistics',
  'council',
  'funding',
  'ministers',
  'review',
  'services',
  'strategy',
  'report',
];

function word(seed: number): string {
  return FILLER[seed % FILLER.length] ?? 'update';
}

/**
 * One entry: about one in ten mentions a tracked topic word. Links point at a reserved example
 * host, not www.gov.uk: a www.gov.uk link makes an alert ask the real GOV.UK Content API for
 * details (services/govuk-content.ts), and the bench must never reach the internet (offline it
 * only added failed DNS lookups; online it would time the network).
 */
function entry(feed: number, index: number, generation: number): string {
  const slug = `feed-${feed}-item-${index}-g${generation}`;
  const day = String(1 + ((index + feed) % 28)).padStart(2, '0');
  const topic = (feed * 7 + index) % 10 === 0 ? ` ${TOPIC_WORDS[(feed + index) % TOPIC_WORDS.length]}` : '';
  return `  <entry>
    <id>tag:www.gov.uk,2005:/government/news/${slug}</id>
    <updated>2026-11-${day}T09:30:00+00:00</updated>
    <link rel="alternate" type="text/html" href="https://www.example.org/government/news/${slug}"/>
    <title>${word(index)} ${word(feed + index)}${topic}: ${word(index * 3)} update ${index} (${feed})</title>
    <summary type="html">&lt;p&gt;The department published ${word(index + 1)} on ${word(index + 2)}${topic} and ${word(feed)} for regional ${word(index + 5)}, with next steps for ${word(index + 4)} organisations.&lt;/p&gt;</summary>
  </entry>
`;
}

/**
 * Feed `feed` at `generation`: generation 0 is the first state; a later generation replaces its
 * newest five entries (new ids), as a publisher adding items does.
 */
export function atomFeed(feed: number, generation = 0, entries = 50): string {
  const parts = [
    `<?xml version="1.0" encoding="UTF-8"?>
<feed xml:lang="en-GB" xmlns="http://www.w3.org/2005/Atom">
  <id>tag:www.gov.uk,2005:/search/news-and-communications-${feed}</id>
  <link rel="alternate" type="text/html" href="https://www.gov.uk/search/news-and-communications?n=${feed}"/>
  <link rel="self" type="application/atom+xml" href="https://www.gov.uk/search/news-and-communications.atom?n=${feed}"/>
  <title>News and communications ${feed}</title>
  <updated>2026-11-28T09:30:00+00:00</updated>
  <author><name>HM Government</name></author>
`,
  ];
  for (let i = 0; i < entries; i++) parts.push(entry(feed, i, i < 5 ? generation : 0));
  parts.push('</feed>\n');
  return parts.join('');
}

/** A ~4 KB page: navigation and footer around a `main` region of paragraphs. */
export function htmlPage(page: number, generation = 0): string {
  const paragraphs: string[] = [];
  for (let i = 0; paragraphs.join('').length < 3600; i++) {
    const topic = (page + i) % 9 === 0 ? ` ${TOPIC_WORDS[(page + i) % TOPIC_WORDS.length]}` : '';
    paragraphs.push(
      `      <p>Paragraph ${i}: ${word(page + i)} on ${word(i * 3)}${topic} for ${word(i + 7)} and the ${word(page)} programme, updated in generation ${i === 0 ? generation : 0}.</p>\n`,
    );
  }
  return `<!DOCTYPE html>
<html lang="en">
  <head><meta charset="utf-8"><title>Sector page ${page}</title>
    <link rel="stylesheet" href="/assets/site.css"></head>
  <body>
    <header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/about">About us</a></nav></header>
    <main>
      <h1>Policy updates ${page}</h1>
${paragraphs.join('')}    </main>
    <footer><p>Registered charity ${1_000_000 + page}. Copyright 2026.</p></footer>
  </body>
</html>
`;
}

export const BENCH_TOPICS = TOPIC_WORDS.map((topic) => ({ id: topic, title: topic, query: topic }));

/** A feed source of the bench's config: on loopback, every entry eligible on the first poll. */
export function feedSource(feed: { id: string; url: string }) {
  return { ...feed, kind: 'feed', allowPrivateNetwork: true, backfill: 'all' };
}
