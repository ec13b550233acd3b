/**
 * @module The HTML parts of the one-off emails (render-notices.ts): the double opt-in
 * confirmation and the notice a person gets when staff subscribe them.
 */
import { oneLine } from './escape.ts';
import { EmailDocument, Footer, Lines, ManageLinks, Masthead, renderHtml, STYLE } from './html-layout.tsx';
import type { FooterInput } from './layout.ts';

/** The subject without its `[organisation] ` tag: the email's own heading. */
const untagged = (organisation: string, subject: string) => subject.slice(oneLine(organisation).length + 3);

export interface ConfirmationHtmlInput {
  subject: string;
  organisation: { name: string; contact: string };
  lead: string;
  button: string;
  confirmUrl: string;
  until: string;
  ignore: string;
}

export function confirmationHtml(input: ConfirmationHtmlInput): string {
  return renderHtml(
    <EmailDocument title={input.subject}>
      <Masthead
        organisation={input.organisation.name}
        heading={untagged(input.organisation.name, input.subject)}
      />
      <Lines>
        <p style={STYLE.p}>{input.lead}</p>
        <p style={STYLE.p}>
          <a href={input.confirmUrl} style={STYLE.button}>
            {input.button}
          </a>
        </p>
        <p style={STYLE.meta}>
          The link works until {input.until}. If the button does not work, copy this address into your
          browser: {input.confirmUrl}
        </p>
        <p style={STYLE.p}>{input.ignore}</p>
        <div style={STYLE.footer}>
          <p style={STYLE.p}>
            {oneLine(input.organisation.name)}. Questions: {oneLine(input.organisation.contact)}
          </p>
        </div>
      </Lines>
    </EmailDocument>,
  );
}

export interface StaffNoticeHtmlInput {
  subject: string;
  lead: string;
  next: string;
  footer: FooterInput;
}

export function staffNoticeHtml(input: StaffNoticeHtmlInput): string {
  const { footer } = input;
  return renderHtml(
    <EmailDocument title={input.subject}>
      <Masthead organisation={footer.organisation} heading={untagged(footer.organisation, input.subject)} />
      <Lines>
        <p style={STYLE.p}>{input.lead}</p>
        <p style={STYLE.p}>{input.next}</p>
        <ManageLinks manageUrl={footer.manageUrl} unsubscribeUrl={footer.unsubscribeUrl} />
        <Footer {...footer} />
      </Lines>
    </EmailDocument>,
  );
}
