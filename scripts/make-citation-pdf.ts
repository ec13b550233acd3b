/**
 * Writes tests/fixtures/factsheet-citations.pdf: a small, valid PDF 1.4 (one page, Helvetica,
 * uncompressed content stream, exact xref offsets) holding written legislation citations, so
 * the PDF reading of factsheet citations is tested on a real PDF rather than a mock.
 * Run: npx tsx scripts/make-citation-pdf.ts
 */
import { writeFileSync } from 'node:fs';

const LINES = [
  'Community right to challenge: a factsheet',
  'The right comes from Part 5, Chapter 2 of the Localism Act 2011.',
  'A relevant body may submit an expression of interest under s. 81(5).',
  'Assets of community value are listed under ss. 87-89 of that Act.',
  'See also Schedule 2 paragraph 3 of the Localism Act 2011.',
];

function escapePdf(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`);
}

export function citationPdf(lines: readonly string[] = LINES): Buffer {
  const stream = [
    'BT',
    '/F1 12 Tf',
    '14 TL',
    '72 760 Td',
    ...lines.map((line) => `(${escapePdf(line)}) Tj T*`),
    'ET',
  ].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../tests/fixtures/factsheet-citations.pdf', import.meta.url), citationPdf());
}
