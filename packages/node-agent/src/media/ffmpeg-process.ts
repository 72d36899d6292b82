/**
 * One ffmpeg child process with an owner: spawn errors become typed errors (a missing binary names the
 * Debian package), the end of its log is kept for error messages, and `stop()` ends it and waits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { FfmpegFailedError, FfmpegNotFoundError } from '../errors.js';

/** The binary used when no `ffmpeg` option is given (looked up on PATH). */
export const DEFAULT_FFMPEG = 'ffmpeg';

/** A running ffmpeg: its pid, a promise that settles when it exits, and `stop()`. */
export interface FfmpegProcess {
  readonly pid: number | undefined;
  /** Resolves when the process has exited (never rejects); `failure` says why it ended early, if it did. */
  readonly exited: Promise<void>;
  /** Set when ffmpeg could not start or exited without being stopped. */
  failure(): FfmpegNotFoundError | FfmpegFailedError | undefined;
  /** The exit code once ffmpeg exited by itself (null when a signal ended it), else undefined. */
  exitCode(): number | null | undefined;
  /** SIGINT (ffmpeg then finishes the file it writes), SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

const LOG_TAIL_CHARS = 2_000;

/**
 * Start `bin` with `args`; stdin is closed, stderr is kept (its last 2 kB) for error messages, and
 * stdout goes to `onStdout` when given (else it is discarded).
 */
export function startFfmpeg(
  bin: string,
  args: readonly string[],
  onStdout?: (chunk: Buffer) => void,
): FfmpegProcess {
  let child: ChildProcess;
  let failure: FfmpegNotFoundError | FfmpegFailedError | undefined;
  let stopping = false;
  let log = '';
  let done = false;
  let exitCode: number | null | undefined;
  let markExited: () => void = () => undefined;
  const exited = new Promise<void>((resolve) => {
    markExited = () => {
      done = true;
      resolve();
    };
  });
  try {
    child = spawn(bin, args, { stdio: ['ignore', onStdout ? 'pipe' : 'ignore', 'pipe'] });
  } catch (cause) {
    failure = notFound(bin, cause);
    markExited();
    return {
      pid: undefined,
      exited,
      failure: () => failure,
      exitCode: () => undefined,
      stop: async () => undefined,
    };
  }
  // ffmpeg outlives a Node process that exits without closing it (it reads nothing from us), so it is
  // killed on exit; a SIGKILLed Node still leaves it running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  if (onStdout) child.stdout?.on('data', onStdout);
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    log = (log + chunk).slice(-LOG_TAIL_CHARS);
  });
  child.on('error', (cause: NodeJS.ErrnoException) => {
    // 'error' without a pid: the binary could not be executed at all (ENOENT, EACCES).
    if (child.pid === undefined) {
      failure = notFound(bin, cause);
      process.off('exit', killOnExit);
      markExited();
    }
  });
  child.on('exit', (code, signal) => {
    exitCode = code;
    if (!stopping && failure === undefined) {
      failure = new FfmpegFailedError(
        `ffmpeg exited (${signal ?? `code ${code}`}) before it was stopped: ${log.trim().split('\n').slice(-3).join(' | ')}`,
      );
    }
  });
  child.on('close', () => {
    process.off('exit', killOnExit);
    markExited();
  });
  return {
    pid: child.pid,
    exited,
    failure: () => failure,
    exitCode: () => exitCode,
    async stop(graceMs = 2_000) {
      stopping = true;
      if (done) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function notFound(bin: string, cause: unknown): FfmpegNotFoundError {
  return new FfmpegNotFoundError(
    `cannot run ffmpeg ("${bin}"): install the Debian package ffmpeg (apt-get install ffmpeg) or pass the binary's path`,
    { cause },
  );
}
