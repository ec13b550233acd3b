/**
 * @module The HTML part of the staff emails about a source's health (render-escalation.ts). The
 * lines hold a server's error text: hono/jsx escapes it.
 */
import { EmailDocument, Link, renderHtml, STYLE } from './html-layout.tsx';

export interface SourceHealthHtmlInput {
  subject: string;
  heading: string;
  lines: readonly string[];
  sourceUrl: string;
  dashboardUrl: string;
}

export function sourceHealthHtml(input: SourceHealthHtmlInput): string {
  return renderHtml(
    <EmailDocument title={input.subject}>
      <h1 style={STYLE.h1}>{input.heading}</h1>
      {input.lines.map((line) => (
        <p style={STYLE.p}>{line}</p>
      ))}
      <p style={STYLE.p}>
        <Link href={input.sourceUrl}>Source</Link> · <Link href={input.dashboardUrl}>Dashboard</Link>
      </p>
    </EmailDocument>,
  );
}
