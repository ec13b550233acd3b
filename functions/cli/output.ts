/**
 * @module Where the CLI writes, and the one error type its commands throw (with exit code).
 */

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (progress display, pretty logs). */
  isTTY: boolean;
}

export const processOutput: Output = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stderr.isTTY),
};

/** An error the CLI reports as `{"error":{code,message,details}}` and exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
