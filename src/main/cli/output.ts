/**
 * How a command talks: with --json exactly one JSON document on stdout, otherwise readable lines.
 * Progress and warnings go to stderr so stdout stays parseable.
 */
export interface CommandOutput {
  readonly json: boolean;
  /** A line for people (dropped in --json mode). */
  line(text: string): void;
  /** The command's single JSON document (only in --json mode). */
  document(value: unknown): void;
  /** Progress or a warning, always on stderr. */
  note(text: string): void;
}

export function createOutput(json: boolean): CommandOutput {
  return {
    json,
    line: (text) => {
      if (!json) process.stdout.write(`${text}\n`);
    },
    document: (value) => {
      if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    note: (text) => process.stderr.write(`${text}\n`),
  };
}

/** A failure the user caused or can fix; the CLI prints its message as the one-line reason. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

export const round = (value: number, digits = 4): number => Number(value.toFixed(digits));
