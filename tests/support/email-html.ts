/**
 * The part of an email's HTML inside the shared document shell (doctype, head, body and content
 * column). The shell is one component (shared/mail/html-layout.tsx) pinned byte for byte by
 * tests/golden/digest.html; golden files of the other emails hold only what is theirs.
 */
export function emailContent(html: string): string {
  const open = '<div style="max-width:640px;margin:0 auto">\n';
  const start = html.indexOf(open);
  const end = html.lastIndexOf('</div>\n</body>\n</html>\n');
  if (start < 0 || end < start) throw new Error('not an email document');
  return html.slice(start + open.length, end);
}
