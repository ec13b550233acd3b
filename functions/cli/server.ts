/**
 * @module The long-running commands (start, serve, demo), loaded only when asked for so the
 * one-shot commands never pay for the HTTP server and scheduler.
 */
import { runDemoCommand } from '../local/demo.ts';
import { runStartCommand } from '../local/start.ts';
import type { CommandContext } from './commands.ts';

export async function runServerCommand(
  command: 'start' | 'serve' | 'demo',
  context: CommandContext,
): Promise<number> {
  if (command === 'demo') return runDemoCommand(context);
  return runStartCommand(command, context);
}
