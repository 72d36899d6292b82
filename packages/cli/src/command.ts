/** The shape every `lanrtc` subcommand has: a name, its usage text, its options and what it does. */
import type { OptionTable, ParsedCommand } from './args.js';
import type { CliIo } from './io.js';

/** One subcommand of `lanrtc`. */
export interface Command {
  readonly name: string;
  /** One line for the overview. */
  readonly summary: string;
  /** Full usage text printed by `--help` and after a usage error. */
  readonly usage: string;
  readonly options: OptionTable;
  /** Most positional arguments accepted. */
  readonly maxPositionals?: number;
  /** Runs the subcommand; resolves to the process exit code. */
  run(parsed: ParsedCommand, io: CliIo): Promise<number>;
}

/** Usage lines shared by every subcommand. */
export const COMMON_USAGE = `  --config DIR     config directory (default: $XDG_CONFIG_HOME/lanrtc or ~/.config/lanrtc)
  -h, --help       show this help`;
