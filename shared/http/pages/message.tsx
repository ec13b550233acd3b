/**
 * @module A page that only says something (errors, confirmations), with an optional action link.
 */
import { Layout } from './layout.tsx';

export interface MessageProps {
  organisation: string;
  title: string;
  body: string;
  link?: { href: string; text: string };
  staff?: boolean;
}

export function MessagePage(props: MessageProps): string {
  return `<!doctype html>${(
    <Layout title={props.title} organisation={props.organisation} narrow staff={props.staff}>
      <h1>{props.title}</h1>
      <p class="lead">{props.body}</p>
      {props.link ? (
        <p>
          <a href={props.link.href}>{props.link.text}</a>
        </p>
      ) : null}
    </Layout>
  )}`;
}
