/**
 * @module A factsheet's own document (HTML page or PDF) to plain text and links, so its
 * citations can be read. HTML goes through cheerio (visible text, block elements on their own
 * lines); a PDF through unpdf (pdf.js), whose text has no links, so links are found in the text.
 */
import * as cheerio from 'cheerio';
import type { DocumentText } from '../../domain/citation-text.ts';
import { ParseError } from '../errors.ts';
import { decodeBody } from './decode.ts';
import { nodeLines, tooDeep } from './html-text.ts';

export const DOCUMENT_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, application/pdf;q=0.8';
export const DOCUMENT_TYPES = [
  'text/html',
  'application/xhtml+xml',
  'application/pdf',
  'application/octet-stream',
];

export function isPdf(body: Buffer, contentType: string | null): boolean {
  return contentType === 'application/pdf' || body.subarray(0, 5).toString('latin1') === '%PDF-';
}

export async function pdfText(body: Buffer): Promise<string> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  try {
    const pdf = await getDocumentProxy(new Uint8Array(body));
    const { text } = await extractText(pdf, { mergePages: true });
    return text;
  } catch (error) {
    throw new ParseError('malformed', `could not read the PDF: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

export function htmlDocument(html: string, baseUrl: string): DocumentText {
  if (tooDeep(html)) throw new ParseError('malformed', 'HTML nests too deeply to read');
  const $ = cheerio.load(html);
  const links = $('a[href]')
    .toArray()
    .flatMap((element) => {
      const href = $(element).attr('href') ?? '';
      try {
        return [{ href: new URL(href, baseUrl).toString(), text: $(element).text() }];
      } catch {
        return [];
      }
    });
  const body = $('body').toArray();
  const lines = nodeLines(body.length > 0 ? body : $.root().toArray());
  return { text: lines.join('\n'), links };
}

/** Reads a fetched factsheet document. Throws `ParseError` when it is neither HTML nor PDF. */
export async function readCitationDocument(
  body: Buffer,
  meta: { contentType: string | null; charset: string | null; url: string },
): Promise<DocumentText> {
  if (isPdf(body, meta.contentType)) return { text: await pdfText(body), links: [] };
  const { text } = decodeBody(body, 'html', meta.charset);
  if (!/<[a-z!]/i.test(text)) throw new ParseError('bad-shape', 'neither an HTML page nor a PDF');
  return htmlDocument(text, meta.url);
}
