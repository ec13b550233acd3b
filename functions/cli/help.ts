/**
 * @module `--help` texts. Kept beside the option parser; a test runs every documented example.
 */
import { FREQUENCIES } from '../../shared/domain/vocabulary.ts';

/** "immediate, daily or weekly": the frequencies as a sentence, for help and usage errors. */
export const FREQUENCY_CHOICES = `${FREQUENCIES.slice(0, -1).join(', ')} or ${FREQUENCIES.at(-1)}`;

export const COMMANDS = ['start', 'serve', 'poll', 'digest', 'check', 'evaluate', 'demo'] as const;
export type CommandName = (typeof COMMANDS)[number];

const COMMON = `Options for every command:
  --config PATH   configuration file (default: $POLICY_WATCH_CONFIG, else config/watch.json)
  --json          print one JSON document on stdout instead of the report
  -h, --help      show help for the command
`;

export const HELP: Record<CommandName | 'main', string> = {
  main: `policy-watch: policy-change alerts for small voluntary organisations

Usage: policy-watch <command> [options]

Commands:
  start     run everything locally: store, mail sink, scheduler, API and pages on $PORT
  serve     run the API and pages only
  poll      poll every source (or those named with --source) now
  digest    send the digests of one frequency now
  check     validate the configuration and its topic queries
  evaluate  score the topic queries on labelled examples or staff feedback (precision, recall, F1)
  demo      run the whole loop against recorded documents served locally

${COMMON}
Exit codes: 0 done, 1 configuration or store error, 2 usage error.
Run 'policy-watch <command> --help' for more.
`,
  start: `Usage: policy-watch start [--config PATH]

Starts the embedded store (dynalite in $DATA_DIR) and mail sink (aws-ses-v2-local on $MAIL_PORT)
unless DYNAMODB_ENDPOINT / SES_ENDPOINT are set, serves the API and pages on $PORT (0 = any free
port), polls never-polled and overdue sources at once, then checks every minute for due sources,
sends immediate digests after polls that created alerts and daily/weekly digests at their crons.
Prints "listening <url>", "staff-key <key>" (when generated) and "inbox <url>". Stops cleanly on
SIGINT/SIGTERM.

${COMMON}`,
  serve: `Usage: policy-watch serve [--config PATH]

Serves the API and pages only (no scheduler) on $PORT; prints "listening <url>".

${COMMON}`,
  poll: `Usage: policy-watch poll [--source ID]... [--config PATH] [--json]

Polls every source now, whatever its "every" says, or only the sources named with --source
(repeatable). Prints a table per source (status, HTTP status, items, new, updated, alerts, error).
Exit 0 when the cycle ran, even if sources failed; 1 on config/store errors or an unknown --source.

  --source ID     poll only this source (repeat for more)
${COMMON}`,
  digest: `Usage: policy-watch digest --frequency ${FREQUENCIES.join('|')} [--dry-run] [--config PATH] [--json]

Sends each confirmed subscriber of that frequency one email with every alert on their topics they
have not been sent yet. Nothing new, no email. Exit 0 when the run completed, even if some sends
failed.

  --frequency F   ${FREQUENCY_CHOICES} (required)
  --dry-run       show what would be sent; send and record nothing
${COMMON}`,
  check: `Usage: policy-watch check [--config PATH] [--json]

Validates the configuration file and every topic query; prints each error with its JSON path
(and column, for queries). Also warns, without failing, about query terms that probably do not
mean what was intended: a word starting with - or + (there is no exclusion syntax: use NOT),
lower-case and/or/not between terms (a word, not an operator), a bare word of one or two letters
(write ="PB" or "PB" if it is meant). Exit 0 when valid (warnings or not), 1 when not.
With --json: {"valid":true|false,"errors":[{"path","column"?,"message"}],"warnings":[{"path","column","message"}]}

${COMMON}`,
  evaluate: `Usage: policy-watch evaluate (--labels FILE | --from-feedback) [--config PATH] [--json]

Matches every labelled example against the configured topics, exactly as a poll would match an
item of the example's source, and prints per topic precision, recall and F1, then every false
positive (with the terms that matched) and every false negative. Nothing is fetched or stored.
FILE is a JSON array of {"title","summary"?,"url"?,"source"?,"labels":[topic ids],"scope"?:[topic ids]}
("source": a configured source id; "scope": the example counts only for those topics).
With --from-feedback the examples are the staff feedback in the store (a live 'start', or the
embedded one in $DATA_DIR): one per standing judgement (the alert's title, summary, url and
source; positive for its topic when relevant, negative when not, scoped to that topic) and one
per reported missed publication (positive for its topics, scoped to them). Edit a query, run
this, and see the change before deploying it.
Precision is "-" (null in JSON) for a topic that matched nothing, recall for one no example has.
Exit 0 when it ran; 1 on config, label-file or store errors (each with its path); 2 on usage
errors.
With --json: {"topics":[{"id","tp","fp","fn","precision","recall","f1"}],
"falsePositives":[{"title","topic","terms"}],"falseNegatives":[{"title","topic"}]}

  --labels FILE    the labelled examples
  --from-feedback  the staff judgements and missed items instead
${COMMON}`,
  demo: `Usage: policy-watch demo

Serves recorded legislation.gov.uk, GOV.UK and Parliament documents from a local HTTP server, points
a demo configuration at them (data in $DATA_DIR/demo), seeds the confirmed subscriber
demo@example.org (immediate, all topics), runs poll and digest at once, then keeps serving the
dashboard, API and local inbox until stopped. Works offline.

${COMMON}`,
};
