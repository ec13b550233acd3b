/**
 * @module The `policy-watch` command (docs/contract.md §4): start, serve, poll, digest, check, evaluate, demo.
 * Parses arguments, loads the config, then hands over to the services; exit codes as specified
 * (0 done, 1 config/store errors, 2 usage errors).
 */
import { parseArgs } from 'node:util';
import { isFrequency } from '../shared/domain/vocabulary.ts';
import type { CommandContext } from './cli/commands.ts';
import { COMMANDS, type CommandName, FREQUENCY_CHOICES, HELP } from './cli/help.ts';
import { tuneOneShotMemory } from './cli/memory-tuning.ts';
import { CliError, type Output, processOutput } from './cli/output.ts';

const OPTIONS = {
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  source: { type: 'string', multiple: true },
  frequency: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  'from-feedback': { type: 'boolean', default: false },
  version: { type: 'boolean', default: false },
  labels: { type: 'string' },
} as const;

type Parsed = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; args: string[] }>
>;

/** The commands that run to an end; the others (start, serve, demo) run until stopped. */
const ONE_SHOT: ReadonlySet<CommandName> = new Set(['poll', 'digest', 'check', 'evaluate']);

export interface MainOptions {
  /**
   * Called once a one-shot command has started (its code loaded, the embedded store open) and
   * before its main work: the process entry tunes V8's memory there (cli/memory-tuning.ts).
   */
  onStarted?: () => void;
}

export async function main(argv: readonly string[], out: Output, options: MainOptions = {}): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // Best effort: the first word that names a command picks the help shown.
    return usage(out, (error as Error).message, argv.find(isCommand), argv.includes('--json'));
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.version) {
    out.stdout(`${await packageVersion()}\n`);
    return 0;
  }
  if (!command) {
    if (values.help) {
      out.stdout(HELP.main);
      return 0;
    }
    return usage(out, 'missing command', undefined, values.json);
  }
  if (!isCommand(command)) return usage(out, `unknown command "${command}"`, undefined, values.json);
  if (values.help) {
    out.stdout(HELP[command]);
    return 0;
  }
  if (extra.length > 0) return usage(out, `unexpected argument "${extra[0]}"`, command, values.json);
  // An empty value (`--config=`, an unset shell variable) would silently fall back to the default.
  if (values.config === '') return usage(out, '--config needs a path', command, values.json);
  const misplaced = misplacedOption(command, values);
  if (misplaced) return usage(out, misplaced, command, values.json);

  // poll and digest open the embedded store: begun now, its worker loads dynalite and opens
  // LevelDB on another core while this thread loads the command and reads the config.
  const store =
    command === 'poll' || command === 'digest'
      ? (await import('./local/store-lease.ts')).leaseLocalStore(process.env)
      : null;
  const common = {
    configArg: values.config,
    json: values.json,
    env: process.env,
    out,
    store,
    ...(options.onStarted && ONE_SHOT.has(command) ? { started: options.onStarted } : {}),
  };
  try {
    return await runCommand(command, values, common);
  } catch (error) {
    return fail(out, values.json, error);
  } finally {
    await store?.release();
  }
}

async function runCommand(
  command: CommandName,
  values: Parsed['values'],
  common: CommandContext,
): Promise<number> {
  const { out } = common;
  // Loaded per command, so `--help` and usage errors never load the SDK or the store.
  const { runCheck, runDigestCommand, runPollCommand } = await import('./cli/commands.ts');
  switch (command) {
    case 'check':
      return await runCheck(common);
    case 'poll':
      return await runPollCommand({ ...common, sources: values.source ?? [] });
    case 'digest': {
      const frequency = values.frequency;
      if (!isFrequency(frequency)) {
        return usage(out, `--frequency must be ${FREQUENCY_CHOICES}`, command, values.json);
      }
      return await runDigestCommand({ ...common, frequency, dryRun: values['dry-run'] });
    }
    case 'evaluate': {
      const fromFeedback = values['from-feedback'];
      const labels = values.labels;
      if (fromFeedback && labels !== undefined) {
        return usage(out, '--labels and --from-feedback do not go together', command, values.json);
      }
      if (!fromFeedback && (labels === undefined || labels === '')) {
        return usage(out, '--labels FILE or --from-feedback is required', command, values.json);
      }
      const { runEvaluateCommand } = await import('./cli/evaluate.ts');
      return await runEvaluateCommand({
        ...common,
        source: fromFeedback ? { kind: 'feedback' } : { kind: 'file', path: labels ?? '' },
      });
    }
    case 'start':
    case 'serve':
    case 'demo': {
      const { runServerCommand } = await import('./cli/server.ts');
      return await runServerCommand(command, common);
    }
  }
}

function isCommand(name: string): name is CommandName {
  return (COMMANDS as readonly string[]).includes(name);
}

function misplacedOption(command: CommandName, values: Record<string, unknown>): string | null {
  if (values.source !== undefined && command !== 'poll') return '--source only goes with poll';
  if (values.frequency !== undefined && command !== 'digest') return '--frequency only goes with digest';
  if (values['dry-run'] && command !== 'digest') return '--dry-run only goes with digest';
  if (values['from-feedback'] && command !== 'evaluate') return '--from-feedback only goes with evaluate';
  if (values.labels !== undefined && command !== 'evaluate') return '--labels only goes with evaluate';
  return null;
}

function usage(
  out: Output,
  message: string,
  command: CommandName | undefined,
  json: boolean | undefined,
): number {
  if (json) {
    out.stdout(`${JSON.stringify({ error: { code: 'usage', message } })}\n`);
  } else {
    out.stderr(`policy-watch: ${message}\n\n${command ? HELP[command] : HELP.main}`);
  }
  return 2;
}

/** The errors users can act on get their own code; anything else is `internal`. */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  // The long-running commands are bundled apart (scripts/build.mjs), with their own CliError.
  if (error instanceof Error && error.name === 'CliError') {
    const { code, details, exitCode } = error as Partial<CliError>;
    if (typeof code === 'string' && typeof exitCode === 'number')
      return new CliError(code, error.message, details, exitCode);
  }
  // By name: importing deps.ts or the embedded store here would load the SDK or dynalite for
  // every command, `--help` included.
  if (error instanceof Error && error.name === 'EnvError' && 'issues' in error) {
    const issues = error.issues as { variable: string; message: string }[];
    return new CliError(
      'invalid_environment',
      error.message,
      issues.map((issue) => ({ path: issue.variable, message: issue.message })),
    );
  }
  if (error instanceof Error && error.name === 'StoreUnavailableError') {
    return new CliError('store_unavailable', error.message);
  }
  if (error instanceof Error && error.name === 'StoreLockedError') {
    return new CliError('store_locked', error.message);
  }
  return new CliError('internal', error instanceof Error ? error.message : String(error));
}

function fail(out: Output, json: boolean | undefined, error: unknown): number {
  const cliError = toCliError(error);
  if (json) {
    const body: Record<string, unknown> = { code: cliError.code, message: cliError.message };
    if (cliError.details !== undefined) body.details = cliError.details;
    out.stdout(`${JSON.stringify({ error: body })}\n`);
  } else {
    out.stderr(`policy-watch: ${cliError.message}\n`);
    if (Array.isArray(cliError.details)) {
      for (const detail of cliError.details as { path: string; column?: number; message: string }[]) {
        out.stderr(`  ${formatErrorLine(detail)}\n`);
      }
    }
  }
  return cliError.exitCode;
}

export function formatErrorLine(detail: { path: string; column?: number; message: string }): string {
  const where = detail.path === '' ? '(file)' : detail.path;
  return `${where}${detail.column !== undefined ? ` (column ${detail.column})` : ''}: ${detail.message}`;
}

async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Runs the command line of this process (the `bin` entry calls it). */
export async function run(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2), processOutput, { onStarted: tuneOneShotMemory });
}
