/** Where lanrtc keeps its files on a Node host when the caller does not say (XDG Base Directory spec). */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * `$XDG_CONFIG_HOME/lanrtc`, or `~/.config/lanrtc` when it is unset or relative (the XDG Base
 * Directory spec says a relative value is invalid and must be ignored).
 */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.config'), 'lanrtc');
}
