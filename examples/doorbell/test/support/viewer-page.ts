/** TEST-ONLY: drive the viewer's test hooks (`globalThis.doorbellViewer`) from Playwright or puppeteer. */

/** What `doorbellViewer.state()` returns (examples/doorbell/src/viewer/test-hooks.ts). */
export interface ViewerState {
  mode: string;
  screen: 'loading' | 'pair' | 'live' | 'unreachable';
  connection: string;
  remote: string | undefined;
  name: string | undefined;
  video: {
    width: number;
    height: number;
    framesPresented: number;
    firstFrameAt: number | undefined;
    framesDecoded: number;
    muted: boolean;
  };
  rings: { id: string; at: number; receivedAt: number; past: boolean; jpegBytes: number }[];
  talk: { on: boolean; packetsSent: number; available: boolean };
  viewers: number;
  badFrames: number;
  lastError: string | undefined;
}

/** An action's outcome. */
export type Outcome = { ok: true } | { ok: false; error: string };

/** Anything with `evaluate` (a Playwright or puppeteer page). */
export interface Evaluator {
  // biome-ignore lint/suspicious/noExplicitAny: both libraries' evaluate signatures, reduced to what is used here
  evaluate(fn: any, ...args: any[]): Promise<any>;
}

type Hooks = {
  state(): Promise<ViewerState>;
  enterPin(pin: string): Promise<Outcome>;
  connectText(text: string): Promise<Outcome>;
  pressTalk(): Promise<Outcome>;
  releaseTalk(): Promise<Outcome>;
};

/** The viewer's state. */
export function viewerState(page: Evaluator): Promise<ViewerState> {
  return page.evaluate(() => (globalThis as unknown as { doorbellViewer: Hooks }).doorbellViewer.state());
}

/** Run one of the viewer's actions. */
export function viewerAction(
  page: Evaluator,
  name: 'enterPin' | 'connectText' | 'pressTalk' | 'releaseTalk',
  arg = '',
): Promise<Outcome> {
  return page.evaluate(
    ([n, a]: [string, string]) =>
      (
        globalThis as unknown as { doorbellViewer: Record<string, (x: string) => Promise<Outcome>> }
      ).doorbellViewer[n]?.(a),
    [name, arg],
  );
}

/** Poll `read` until `ok` holds (or throw after `ms`, with the last value). */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`condition not met in ${ms} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

/** Frames presented over `ms`: decoded frames keep coming. */
export async function framesOver(page: Evaluator, ms = 3_000): Promise<number> {
  const from = (await viewerState(page)).video.framesPresented;
  await new Promise((r) => setTimeout(r, ms));
  return (await viewerState(page)).video.framesPresented - from;
}
