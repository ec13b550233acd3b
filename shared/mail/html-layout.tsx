/**
 * @module The HTML of every email, in hono/jsx like the pages (shared/http/pages/): the document
 * shell (simple, table-free, inline styles so it reads the same in webmail and desktop clients),
 * links that are live only when http(s), the sender and heading, and the footer with manage and
 * unsubscribe links. hono/jsx escapes every text node and attribute value, so nothing here calls
 * an escaping function: fetched titles are safe as children.
 */
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { oneLine, safeHttpUrl } from './escape.ts';
import { type FooterInput, footerReason } from './layout.ts';

const BODY_STYLE =
  'margin:0;padding:16px;background:#ffffff;color:#1b1b1b;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5';
export const STYLE = {
  h1: 'font-size:20px;margin:0 0 16px',
  h2: 'font-size:18px;margin:24px 0 8px;padding-top:8px;border-top:2px solid #1d70b8',
  h3: 'font-size:16px;margin:16px 0 4px',
  p: 'margin:0 0 8px',
  list: 'margin:0 0 8px;padding-left:24px',
  meta: 'margin:0 0 4px;color:#505a5f;font-size:14px',
  link: 'color:#1d70b8',
  diff: 'margin:4px 0 8px;padding:8px;background:#f3f2f1;font-size:14px;word-break:break-word',
  diffLabel: 'margin:0;font-weight:bold;font-size:13px;color:#505a5f',
  diffAdded: 'margin:0 0 2px;padding-left:8px;border-left:3px solid #00703c',
  diffRemoved: 'margin:0 0 2px;padding-left:8px;border-left:3px solid #d4351c;color:#505a5f',
  footer: 'margin-top:32px;padding-top:8px;border-top:1px solid #b1b4b6;color:#505a5f;font-size:13px',
  button:
    'display:inline-block;padding:10px 16px;background:#00703c;color:#ffffff;text-decoration:none;font-weight:bold',
} as const;

// The only markup not written as JSX: constants with nothing from outside in them. hono/jsx has
// no doctype, and writes void elements XHTML-style (`<meta/>`) where the emails have always had
// HTML's `<meta>` (tests/golden/digest.html).
const DOCTYPE = raw('<!DOCTYPE html>');
const HEAD_META = raw(
  '<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">',
);

function flatten(children: Child, into: Child[]): Child[] {
  if (Array.isArray(children)) for (const child of children) flatten(child, into);
  else if (
    children !== null &&
    children !== undefined &&
    children !== false &&
    children !== true &&
    children !== ''
  )
    into.push(children);
  return into;
}

/**
 * Its children one per line (`block`: also a line break after the parent's opening tag and
 * before its closing one). JSX drops the line breaks between elements; the emails keep each
 * block on its own line, which keeps the quoted-printable MIME part readable and its bytes stable.
 * Nothing (null, false, '') takes no line.
 */
export function Lines(props: { block?: boolean; children?: Child }) {
  const lines = flatten(props.children, []);
  const out: Child[] = props.block ? ['\n'] : [];
  for (const [index, line] of lines.entries()) {
    if (index > 0) out.push('\n');
    out.push(line);
  }
  if (props.block) out.push('\n');
  return out;
}

export function EmailDocument(props: { title: string; children?: Child }) {
  return (
    <>
      <Lines>
        {DOCTYPE}
        <html lang="en">
          <Lines block>
            <head>
              <Lines block>
                {HEAD_META}
                <title>{oneLine(props.title)}</title>
              </Lines>
            </head>
            <body style={BODY_STYLE}>
              <Lines block>
                <div style="max-width:640px;margin:0 auto">
                  <Lines block>{props.children}</Lines>
                </div>
              </Lines>
            </body>
          </Lines>
        </html>
      </Lines>
      {'\n'}
    </>
  );
}

/** An anchor when the URL is http(s); otherwise just the text (one line), never a live link. */
export function Link(props: { href: string | null; children: string }) {
  const safe = props.href === null ? null : safeHttpUrl(props.href);
  const label = oneLine(props.children);
  return safe ? (
    <a href={safe} style={STYLE.link}>
      {label}
    </a>
  ) : (
    // biome-ignore lint/complexity/noUselessFragments: a bare string is escaped only when rendered as JSX; the fragment escapes it however the component is called
    <>{label}</>
  );
}

/** The sender above, then the email's own heading (the subject without its `[organisation]` tag). */
export function Masthead(props: { organisation: string; heading: string }) {
  return (
    <Lines>
      <p style={STYLE.meta}>{oneLine(props.organisation)} · policy alerts</p>
      <h1 style={STYLE.h1}>{props.heading}</h1>
    </Lines>
  );
}

/** Only a plain address becomes a mailto: link; anything else stays text. */
function Contact(props: { contact: string }) {
  const address = oneLine(props.contact);
  return /^[^\s@<>"]+@[^\s@<>"]+$/.test(address) ? (
    <a href={`mailto:${address}`} style={STYLE.link}>
      {address}
    </a>
  ) : (
    // biome-ignore lint/complexity/noUselessFragments: as in Link, the text stays escaped however this is called
    <>{address}</>
  );
}

export function ManageLinks(props: Pick<FooterInput, 'manageUrl' | 'unsubscribeUrl'>) {
  return (
    <p style={STYLE.p}>
      <Link href={props.manageUrl}>Change topics or frequency</Link> ·{' '}
      <Link href={props.unsubscribeUrl}>Unsubscribe</Link>
    </p>
  );
}

export function Footer(props: FooterInput) {
  return (
    <div style={STYLE.footer}>
      <Lines block>
        <p style={STYLE.p}>{footerReason(props)}</p>
        <ManageLinks manageUrl={props.manageUrl} unsubscribeUrl={props.unsubscribeUrl} />
        <p style={STYLE.p}>
          Questions: <Contact contact={props.contact} />
        </p>
      </Lines>
    </div>
  );
}

/** The markup of an email's HTML part. Email components are synchronous: no Suspense, no async. */
export function renderHtml(element: JSX.Element): string {
  if (element instanceof Promise) throw new TypeError('email HTML must render synchronously');
  return element.toString();
}
