import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ImageInputError } from '../engine/image/decodeImage.js';
import { ModelIntegrityError } from '../engine/models/loadModels.js';
import { defaultDatabasePath, StoreError } from '../engine/store/index.js';
import { COMMANDS, type CommandContext } from './commands.js';
import { CommandError, createOutput } from './output.js';

/** The default models folder: the repository's, or CLOCKFACE_MODELS_DIR. */
const defaultModelsDir = resolve(
  process.env['CLOCKFACE_MODELS_DIR'] ?? resolve(import.meta.dirname, '..', '..', '..', 'resources', 'models'),
);

const GLOBAL_OPTIONS = {
  db: { type: 'string' },
  models: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

function usage(): string {
  const lines = Object.entries(COMMANDS).map(
    ([name, command]) => `  ${`${name} ${command.usage}`.padEnd(58)} ${command.summary}`,
  );
  return [
    'usage: clockface <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'every command takes --db <path> (default: your data folder), --models <dir> and --json',
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (!name) throw new CommandError(`no command given\n${usage()}`, 2);
  const command = COMMANDS[name];
  if (!command) throw new CommandError(`unknown command "${name}"\n${usage()}`, 2);

  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CommandError(`${name}: ${(error as Error).message}`, 2);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values['help']) {
    process.stdout.write(`usage: clockface ${name} ${command.usage}\n${command.summary}\n`);
    return 0;
  }
  const context: CommandContext = {
    positionals: parsed.positionals,
    options: values,
    output: createOutput(values['json'] === true),
    dbPath: resolve(typeof values['db'] === 'string' ? values['db'] : defaultDatabasePath()),
    modelsDir: resolve(typeof values['models'] === 'string' ? values['models'] : defaultModelsDir),
  };
  return command.run(context);
}

/** Errors the user can act on get their message as the one-line reason; anything else is a bug. */
function reasonFor(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CommandError) return { message: error.message, exitCode: error.exitCode };
  if (error instanceof StoreError || error instanceof ModelIntegrityError || error instanceof ImageInputError) {
    return { message: error.message, exitCode: 1 };
  }
  return { message: `internal error: ${(error as Error).stack ?? String(error)}`, exitCode: 70 };
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const { message, exitCode } = reasonFor(error);
  process.stderr.write(`clockface: ${message}\n`);
  process.exitCode = exitCode;
}
