/**
 * @module The one-shot commands: check, poll, digest. Each loads the config, opens the store
 * (the live `start` process's, or the embedded one for the command's lifetime) and runs a service.
 */

import { configWarnings } from '../../shared/config/rules.ts';
import type { Config } from '../../shared/config/schema.ts';
import type { Frequency } from '../../shared/domain/types.ts';
import { citedSources } from '../../shared/services/cited-sources.ts';
import { runPollCycle, type SourcePollResult, UnknownSourceError } from '../../shared/services/poll.ts';
import { loadConfigFile, resolveConfigPath } from '../config-file.ts';
import type { StoreLease } from '../local/store-lease.ts';
import { openServiceDeps } from './command-deps.ts';
import { CliError, type Output } from './output.ts';
import { digestReportText, pollReportText } from './report.ts';

export interface CommandContext {
  configArg: string | undefined;
  json: boolean;
  env: NodeJS.ProcessEnv;
  out: Output;
  /** The embedded store, already opening (poll, digest: local/store-lease.ts). */
  store?: StoreLease | null;
  /** Called once when the command has started, before its main work (cli.ts `MainOptions`). */
  started?: () => void;
}

export async function runCheck(context: CommandContext): Promise<number> {
  const path = resolveConfigPath(context.configArg, context.env);
  const result = await loadConfigFile(path);
  context.started?.();
  const errors = result.ok ? [] : result.errors;
  // Warnings are given for a config that validates (an invalid one has errors to fix first).
  const warnings = result.ok ? configWarnings(result.config) : [];
  if (context.json) {
    context.out.stdout(`${JSON.stringify({ valid: result.ok, errors, warnings })}\n`);
  } else if (result.ok) {
    const { config } = result;
    context.out.stdout(
      `${path}: valid (${count(config.sources.length, 'source')}, ${count(config.topics.length, 'topic')}, ${count(config.factsheets.length, 'factsheet')})${warnings.length > 0 ? `, ${count(warnings.length, 'warning')}` : ''}\n`,
    );
    for (const warning of warnings) {
      context.out.stderr(`  warning: ${warning.path} (column ${warning.column}): ${warning.message}\n`);
    }
  } else {
    context.out.stderr(`${path}: ${count(errors.length, 'error')}\n`);
    for (const error of errors) {
      const column = error.column !== undefined ? ` (column ${error.column})` : '';
      context.out.stderr(`  ${error.path === '' ? '(file)' : error.path}${column}: ${error.message}\n`);
    }
  }
  return result.ok ? 0 : 1;
}

/** Loads and validates the config, or throws the CLI error listing every problem. */
export async function requireConfig(context: CommandContext): Promise<{ config: Config; path: string }> {
  const path = resolveConfigPath(context.configArg, context.env);
  const result = await loadConfigFile(path);
  if (!result.ok) {
    throw new CliError(
      'invalid_config',
      `invalid configuration ${path} (${count(result.errors.length, 'error')})`,
      result.errors,
    );
  }
  return { config: result.config, path };
}

export async function runPollCommand(context: CommandContext & { sources: string[] }): Promise<number> {
  const { config } = await requireConfig(context);
  // Sources of cited Acts read from factsheet pages are known only to the store: checked by the cycle.
  const known = new Set(citedSources(config, []).sources.map((source) => source.id));
  const unknown = context.sources.filter((id) => !known.has(id) && !id.startsWith('cited-'));
  if (unknown.length > 0) {
    throw new CliError('unknown_source', new UnknownSourceError(unknown).message, { unknown });
  }
  const runtime = await openServiceDeps({
    env: context.env,
    config,
    quiet: context.json || !context.out.isTTY,
    mailOnDemand: true,
    store: context.store ?? null,
  });
  context.started?.();
  try {
    const progress = context.json
      ? null
      : progressDisplay(context.out, context.sources.length || citedSources(config, []).sources.length);
    const report = await runPollCycle(runtime.deps, {
      sourceIds: context.sources,
      onSourceStart: (id) => progress?.start(id),
      onSourceDone: (result) => progress?.done(result),
    }).catch((error: unknown) => {
      if (error instanceof UnknownSourceError) {
        throw new CliError('unknown_source', error.message, { unknown: error.ids });
      }
      throw error;
    });
    progress?.finish();
    context.out.stdout(context.json ? `${JSON.stringify(report)}\n` : pollReportText(report));
    return 0;
  } finally {
    await runtime.close();
  }
}

export async function runDigestCommand(
  context: CommandContext & { frequency: Frequency; dryRun: boolean },
): Promise<number> {
  const { config } = await requireConfig(context);
  const runtime = await openServiceDeps({
    env: context.env,
    config,
    quiet: context.json || !context.out.isTTY,
    store: context.store ?? null,
  });
  context.started?.();
  try {
    // Loaded here, not at the top: `poll` and `check` never pay for the digest and mail modules.
    const { runDigest } = await import('../../shared/services/digest.ts');
    const report = await runDigest(runtime.deps, { frequency: context.frequency, dryRun: context.dryRun });
    context.out.stdout(
      context.json
        ? `${JSON.stringify(report)}\n`
        : digestReportText(report, context.frequency, context.dryRun),
    );
    return 0;
  } finally {
    await runtime.close();
  }
}

/** A one-line progress display on a terminal (stderr), silent elsewhere. */
function progressDisplay(out: Output, total: number) {
  if (!out.isTTY) return null;
  let done = 0;
  const running = new Set<string>();
  const draw = () => {
    const names = [...running].slice(0, 3).join(', ');
    out.stderr(
      `\r\x1b[2Kpolling ${done}/${total}${names ? `  ${names}${running.size > 3 ? ', …' : ''}` : ''}`,
    );
  };
  return {
    start(id: string) {
      running.add(id);
      draw();
    },
    done(result: SourcePollResult) {
      running.delete(result.id);
      done++;
      draw();
    },
    finish() {
      out.stderr('\r\x1b[2K');
    },
  };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
