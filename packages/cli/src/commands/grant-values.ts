/** Command-line values of HTTP grants (`lanrtc expose --path`, `lanrtc peers grant`): a service name and path prefixes. */
import { LanrtcError } from '@lanrtc/signal-core';
import { checkRequestPath, isServiceName } from '@lanrtc/signal-core/http';
import { UsageError } from '../errors.js';
import { printable } from '../printable.js';

/** `name` if it is a service name the HTTP protocol carries, else a `UsageError` of `command`. */
export function checkServiceName(name: string, command: string): string {
  if (!isServiceName(name))
    throw new UsageError(
      `"${printable(name)}" is not a service name (lowercase letters, digits, - _ ., at most 63)`,
      command,
    );
  return name;
}

/** Each prefix normalised as a request path without query, else a `UsageError` of `command`. */
export function checkGrantPaths(paths: readonly string[], command: string): string[] {
  return paths.map((path) => {
    let normal: string;
    try {
      normal = checkRequestPath(path);
    } catch (error) {
      if (!(error instanceof LanrtcError)) throw error;
      throw new UsageError(`path "${printable(path)}" must start with / and have no .., // or %2f`, command);
    }
    if (normal.includes('?'))
      throw new UsageError(`path "${printable(path)}" must not have a query`, command);
    return normal;
  });
}
