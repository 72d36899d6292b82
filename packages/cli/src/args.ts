/**
 * Argument parsing for every subcommand: `node:util` `parseArgs` in token mode, so each problem
 * becomes a `UsageError` with a short message naming the flag (Node's own messages are long and
 * differ between versions).
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/** Option table of one subcommand (the `parseArgs` shape). */
export type OptionTable = NonNullable<ParseArgsConfig['options']>;

/** Parsed values of one subcommand: strings, booleans and string lists by option name. */
export interface ParsedCommand {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** Options every subcommand takes. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  config: { type: 'string' },
} as const satisfies OptionTable;

/**
 * Parse `argv` of subcommand `command`; throws `UsageError` on unknown flags, missing values (a
 * flag-like next argument is not a value) or extra positionals.
 */
export function parseCommand(
  command: string,
  argv: readonly string[],
  options: OptionTable,
  maxPositionals = 0,
): ParsedCommand {
  const table: OptionTable = { ...COMMON_OPTIONS, ...options };
  const { values, positionals, tokens } = parseArgs({
    args: [...argv],
    options: table,
    strict: false,
    allowPositionals: true,
    allowNegative: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = table[token.name];
    if (!spec) throw new UsageError(`unknown option ${token.rawName}`, command);
    const negated = token.rawName.startsWith('--no-');
    if (spec.type === 'string' && negated) throw new UsageError(`unknown option ${token.rawName}`, command);
    if (spec.type === 'string' && token.value === undefined)
      throw new UsageError(`option ${token.rawName} needs a value`, command);
    // With `strict: false` a string option takes the next argument whatever it is, so `--config
    // --help` would name a directory "--help". Like Node's strict mode, a separate value that looks
    // like a flag is refused; `--name=-x` (inline) still gives a value starting with "-".
    if (spec.type === 'string' && !token.inlineValue && looksLikeFlag(token.value))
      throw new UsageError(
        `option ${token.rawName} needs a value (one starting with "-" is written ${token.rawName}=-…)`,
        command,
      );
    // An empty directory name is never meant (`--config=` would fail later with ENOENT on "").
    if (token.name === 'config' && token.value === '')
      throw new UsageError(`option ${token.rawName} needs a value (a directory)`, command);
    if (spec.type === 'boolean' && token.inlineValue)
      throw new UsageError(`option ${token.rawName} takes no value`, command);
  }
  if (positionals.length > maxPositionals)
    throw new UsageError(`unexpected argument "${positionals[maxPositionals]}"`, command);
  return { values: values as ParsedCommand['values'], positionals };
}

/** Node's rule (`parseArgs` strict mode): more than a lone "-" and starting with "-". */
function looksLikeFlag(value: string | undefined): boolean {
  return value !== undefined && value.length > 1 && value.startsWith('-');
}

/** A TCP/UDP port from a flag: an integer 1–65535, or 0 ("any free port") when `allowZero`. */
export function parsePort(text: string, flag: string, command: string, allowZero = false): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  const min = allowZero ? 0 : 1;
  if (!(port >= min && port <= 65535))
    throw new UsageError(`${flag} must be an integer ${min}–65535 (got "${text}")`, command);
  return port;
}

/** A string flag's value, or `fallback`. */
export function stringValue(parsed: ParsedCommand, name: string, fallback: string): string;
/** A string flag's value, or undefined. */
export function stringValue(parsed: ParsedCommand, name: string): string | undefined;
export function stringValue(parsed: ParsedCommand, name: string, fallback?: string): string | undefined {
  const v = parsed.values[name];
  return typeof v === 'string' ? v : fallback;
}

/** A repeatable string flag's values (empty when absent). */
export function listValue(parsed: ParsedCommand, name: string): string[] {
  const v = parsed.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** A boolean flag's value, or `fallback` when absent. */
export function booleanValue(parsed: ParsedCommand, name: string, fallback: boolean): boolean {
  const v = parsed.values[name];
  return typeof v === 'boolean' ? v : fallback;
}
