/**
 * @module The page shell: landmarks (header, nav, main, footer), a skip link, the shared
 * stylesheet. hono/jsx escapes every text node, so fetched titles are safe as children.
 */
import type { Child } from 'hono/jsx';
import { isHttpUrl } from '../../domain/urls.ts';

export interface LayoutProps {
  title: string;
  organisation: string;
  /** Show the staff navigation. */
  staff?: boolean;
  narrow?: boolean;
  children?: Child;
}

const STAFF_NAV = [
  ['/staff#factsheets', 'Factsheets'],
  ['/staff#alerts', 'Alerts'],
  ['/staff#relevance', 'Relevance'],
  ['/staff#sources', 'Sources'],
  ['/staff/subscribers', 'Subscribers'],
  ['/docs', 'API'],
] as const;
const SITE_NAV = [
  ['/subscribe', 'Subscribe'],
  ['/docs', 'API'],
] as const;

export function Layout(props: LayoutProps) {
  return (
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${props.title} · ${props.organisation} policy alerts`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        <link rel="icon" href="data:," />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site">
          <div class="bar">
            <a class="name" href={props.staff ? '/staff' : '/'}>
              {props.organisation} policy alerts
            </a>
            <nav aria-label={props.staff ? 'Staff' : 'Site'}>
              <ul>
                {(props.staff ? STAFF_NAV : SITE_NAV).map(([href, label]) => (
                  <li>
                    <a href={href}>{label}</a>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" class={props.narrow ? 'narrow' : undefined} tabindex={-1}>
          {props.children}
        </main>
        <footer class="site">
          <p>
            Alerts from legislation.gov.uk, GOV.UK, Parliament and sector sites, run by {props.organisation}.
          </p>
        </footer>
      </body>
    </html>
  );
}

/** A link only when the URL is http(s); anything else (javascript:, data:) stays plain text. */
export function SafeLink(props: { href: string; children?: Child }) {
  return isHttpUrl(props.href) ? (
    <a href={props.href} rel="noopener noreferrer">
      {props.children}
    </a>
  ) : (
    <span>{props.children}</span>
  );
}

export function Notice(props: { kind?: 'ok' | 'error'; children?: Child }) {
  return (
    <div
      class={props.kind === 'error' ? 'notice error' : 'notice'}
      role={props.kind === 'error' ? 'alert' : 'status'}
    >
      {props.children}
    </div>
  );
}
