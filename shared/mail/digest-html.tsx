/**
 * @module The digest's HTML part (docs/contract.md §7): the sender and heading, the contents,
 * alerts grouped by topic, the factsheets they put in question, the footer. hono/jsx escapes
 * every value, so feed titles, diffs and error text stay text.
 */
import type { Alert } from '../domain/types.ts';
import {
  type DigestFactsheet,
  type DigestOutline,
  diffExcerpt,
  FACTSHEETS_HEADING,
  moreLines,
  type TopicGroup,
} from './digest-content.ts';
import { oneLine } from './escape.ts';
import { EmailDocument, Footer, Lines, Link, Masthead, renderHtml, STYLE } from './html-layout.tsx';
import { type FooterInput, formatWhen } from './layout.ts';

export interface DigestHtmlInput {
  subject: string;
  organisation: string;
  timezone: string;
  outline: DigestOutline;
  groups: readonly TopicGroup[];
  factsheets: readonly DigestFactsheet[];
  footer: FooterInput;
}

/** One block element per line: no reliance on white-space styles, which some clients drop. */
function DiffSide(props: { label: string; lines: string[]; style: string }) {
  return (
    <Lines>
      <p style={STYLE.diffLabel}>{props.label}</p>
      {props.lines.map((line) => (
        <p style={props.style}>{line}</p>
      ))}
    </Lines>
  );
}

function DiffExcerpt(props: ReturnType<typeof diffExcerpt>) {
  return (
    <div style={STYLE.diff}>
      <Lines block>
        {props.removed.length > 0 && (
          <DiffSide label="Removed" lines={props.removed} style={STYLE.diffRemoved} />
        )}
        {props.added.length > 0 && <DiffSide label="Added" lines={props.added} style={STYLE.diffAdded} />}
        {props.more > 0 && <p style={STYLE.diffLabel}>{moreLines(props.more)}</p>}
      </Lines>
    </div>
  );
}

function AlertEntry(props: { alert: Alert; timezone: string }) {
  const { alert } = props;
  const diff = diffExcerpt(alert);
  const what = oneLine(alert.whatChanged);
  return (
    <Lines>
      <h3 style={STYLE.h3}>
        <Link href={alert.url}>{oneLine(alert.title) || '(untitled)'}</Link>
      </h3>
      <p style={STYLE.meta}>
        {oneLine(alert.source.title)} · {formatWhen(alert.changedAt, props.timezone)}
      </p>
      {what && <p style={STYLE.p}>{what}</p>}
      {diff.removed.length + diff.added.length > 0 && <DiffExcerpt {...diff} />}
    </Lines>
  );
}

function Factsheet(props: { sheet: DigestFactsheet }) {
  const { sheet } = props;
  const changes = sheet.changes ?? [];
  return (
    <li>
      <Link href={sheet.url}>{sheet.title}</Link>
      {changes.length > 0 && (
        <ul>
          {changes.map((change) => (
            <li>Changed: {oneLine(change)}</li>
          ))}
        </ul>
      )}
    </li>
  );
}

function Digest(props: DigestHtmlInput) {
  const { outline } = props;
  return (
    <EmailDocument title={props.subject}>
      <Masthead organisation={props.organisation} heading={outline.heading} />
      {outline.contents.length > 0 && (
        <Lines>
          <p style={STYLE.p}>In this email:</p>
          <ul style={STYLE.list}>
            <Lines block>
              {outline.contents.map((line) => (
                <li>{line}</li>
              ))}
            </Lines>
          </ul>
        </Lines>
      )}
      {props.groups.map((group) => (
        <Lines>
          <h2 style={STYLE.h2}>{oneLine(group.topic.title)}</h2>
          {group.alerts.map((alert) => (
            <AlertEntry alert={alert} timezone={props.timezone} />
          ))}
        </Lines>
      ))}
      {props.factsheets.length > 0 && (
        <Lines>
          <h2 style={STYLE.h2}>{FACTSHEETS_HEADING}</h2>
          <p style={STYLE.p}>{outline.factsheetsLead}</p>
          <ul style={STYLE.list}>
            <Lines block>
              {props.factsheets.map((sheet) => (
                <Factsheet sheet={sheet} />
              ))}
            </Lines>
          </ul>
        </Lines>
      )}
      <Footer {...props.footer} />
    </EmailDocument>
  );
}

export function digestHtml(input: DigestHtmlInput): string {
  return renderHtml(<Digest {...input} />);
}
