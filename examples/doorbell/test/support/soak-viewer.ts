/**
 * TEST-ONLY: a Node viewer of the doorbell for the soak test, run in a LAN host with the node-agent's
 * public exports only. It pairs with a pairing card (and takes the plain card from `hello`), then
 * plays one role:
 *
 *   watch  connects from the plain card, stays connected and counts the video RTP packets it receives; each
 *          stdin line `count` prints `packets N frames F gap MS`: video RTP packets and frames so
 *          far, MS the longest time between two packets since the previous `count`.
 *   cycle  CYCLES times connects from the plain card (the one
 *          `hello` gave it), opens the `doorbell` channel, waits for `hello` and the first video
 *          packet, and closes. At each cycle listed in `--pause` it prints `pause N` and waits for a
 *          stdin line before going on (the test samples the doorbell there). With `--relay URL`
 *          every `--relay-every`th cycle connects through the doorbell's relay instead.
 *
 * stdout: `ready <card>` after pairing, `cycle N <ms> direct|relay` per cycle (`retry N <why>` before
 * a second try of a direct connect that timed out), `done <ms per cycle>`; any failure
 * prints `failed <name>: <message>` and exits 1.
 *
 *   soak-viewer.ts --config DIR --card PAIRING_CARD --role watch|cycle [--cycles N] [--pause 20,200]
 *                  [--relay ws://doorbell:8080/relay --relay-every 20]
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createNodeAgent, type NodeAgent, type NodeConnection } from '@lanrtc/node-agent';
import { DOORBELL_CHANNEL, decodeDoorbellMessage } from '../../src/shared/messages.js';

/** How long one step of a cycle may take before the run fails. */
const STEP_MS = 10_000;

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    card: { type: 'string' },
    role: { type: 'string' },
    cycles: { type: 'string', default: '200' },
    pause: { type: 'string', default: '' },
    relay: { type: 'string' },
    'relay-every': { type: 'string', default: '0' },
  },
});
const config = values.config ?? fail('--config is required');
const pairingCard = values.card ?? fail('--card is required');
const role = values.role === 'watch' || values.role === 'cycle' ? values.role : fail('--role watch|cycle');
const cycles = Number(values.cycles);
const relayEvery = Number(values['relay-every']);
const pauses = new Set(
  values.pause
    .split(',')
    .filter(Boolean)
    .map((n) => Number(n)),
);

const stdin = createInterface({ input: process.stdin });
const lines: string[] = [];
let lineWaiter: (() => void) | undefined;
stdin.on('line', (line) => {
  lines.push(line);
  lineWaiter?.();
});
const nextLine = () =>
  new Promise<string>((resolve) => {
    const take = () => {
      const line = lines.shift();
      if (line === undefined) return;
      lineWaiter = undefined;
      resolve(line);
    };
    lineWaiter = take;
    take();
  });

const out = (line: string) => process.stdout.write(`${line}\n`);

function fail(message: string): never {
  throw new Error(message);
}

/** Reject with `what` after STEP_MS unless `promise` settles first. */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no ${what} in ${STEP_MS} ms`)), STEP_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Open the doorbell channel and resolve with the card `hello` carries. */
async function hello(connection: NodeConnection): Promise<string> {
  const channel = connection.peer.createDataChannel(DOORBELL_CHANNEL);
  const card = new Promise<string>((resolve, reject) => {
    channel.onMessage.subscribe((data) => {
      if (typeof data !== 'string') return; // snapshot chunks of past rings
      try {
        const message = decodeDoorbellMessage(data);
        if (message.t === 'hello') resolve(message.card);
      } catch (error) {
        reject(error);
      }
    });
  });
  return within(card, 'hello');
}

/**
 * Resolve at the first video packet (call right after connecting: the doorbell adds its tracks
 * then); `onPacket` gets each packet's marker bit (the last packet of a frame, RFC 7741 §4.1).
 */
function video(connection: NodeConnection, onPacket?: (endsFrame: boolean) => void): Promise<void> {
  const first = new Promise<void>((resolve) => {
    // werift may announce one remote track more than once: count its packets once.
    const seen = new Set<string>();
    connection.peer.pc.onTrack.subscribe((track) => {
      const key = `${track.id ?? ''}/${track.ssrc ?? ''}`;
      if (track.kind !== 'video' || seen.has(key)) return;
      seen.add(key);
      track.onReceiveRtp.subscribe((rtp) => {
        onPacket?.(rtp.header.marker);
        resolve();
      });
    });
  });
  return within(first, 'video packet').catch((error: Error) => {
    // What the connection had negotiated by then says which side stalled.
    const pc = connection.peer.pc;
    const transceivers = pc.getTransceivers().map((t) => `${t.kind} ${t.currentDirection ?? '-'}`);
    throw new Error(
      `${error.message} (signaling ${pc.signalingState}; ${transceivers.join(', ') || 'no transceivers'})`,
    );
  });
}

/** Connect from the plain card: the `doorbell` channel's hello and the first video packet. */
async function connect(agent: NodeAgent, card: string, onPacket?: (endsFrame: boolean) => void) {
  // The toolkit's own deadline: its error says which layer (ICE, DTLS, SCTP, auth) did not finish.
  const connection = await agent.connectDirect(card, { timeoutMs: STEP_MS });
  if (connection.paired) fail('a plain card paired again');
  await Promise.all([hello(connection), video(connection, onPacket)]);
  return connection;
}

/** Connect through the doorbell's relay (a paired viewer needs no card there): hello and first video packet. */
async function connectByRelay(agent: NodeAgent, doorbellId: string) {
  const connection = await within(agent.connect(doorbellId), 'relay connection');
  await Promise.all([hello(connection), video(connection)]);
  return connection;
}

async function main(): Promise<void> {
  const agent = await createNodeAgent({ config, ...(values.relay ? { relay: values.relay } : {}) });
  // The pairing connection gets video too: the doorbell's renegotiation that adds its tracks arrives
  // while this side still stores the pairing, and the auth run hands it on (signal-core runDirectAuth).
  const pairing = await agent.connectDirect(pairingCard, { timeoutMs: STEP_MS });
  if (!pairing.paired) fail('the pairing card did not pair');
  const [card] = await Promise.all([hello(pairing), video(pairing)]);
  const doorbellId = pairing.remote.id;
  await pairing.close();
  if (role === 'watch') {
    let packets = 0;
    let frames = 0;
    let last = 0;
    let gap = 0;
    const connection = await connect(agent, card, (endsFrame) => {
      const now = performance.now();
      if (packets > 0) gap = Math.max(gap, now - last);
      last = now;
      packets += 1;
      if (endsFrame) frames += 1;
    });
    out(`ready ${card}`);
    for (;;) {
      const line = await nextLine();
      if (line === 'count') {
        out(`packets ${packets} frames ${frames} gap ${Math.round(Math.max(gap, performance.now() - last))}`);
        gap = 0;
      }
      if (line === 'quit') break;
    }
    await connection.close();
    await agent.close();
    return;
  }
  out(`ready ${card}`);
  const started = performance.now();
  for (let cycle = 1; cycle <= cycles; cycle++) {
    const at = performance.now();
    const relay = relayEvery > 0 && cycle % relayEvery === 0;
    const attempt = () => (relay ? connectByRelay(agent, doorbellId) : connect(agent, card));
    const connection = await attempt()
      .catch((error: Error) => {
        // A direct connect now and then never gets past ICE checking (about one in 200-400 here):
        // reported and tried once more, so the run still measures what it is for; the test bounds it.
        if (relay || error.name !== 'SessionTimeoutError') throw error;
        out(`retry ${cycle} ${error.message}`);
        return attempt();
      })
      .catch((error: Error) => {
        throw new Error(`cycle ${cycle} (${relay ? 'relay' : 'direct'}): ${error.name}: ${error.message}`);
      });
    await within(connection.close(), `close in cycle ${cycle} (${relay ? 'relay' : 'direct'})`);
    out(`cycle ${cycle} ${Math.round(performance.now() - at)} ${relay ? 'relay' : 'direct'}`);
    if (pauses.has(cycle)) {
      out(`pause ${cycle}`);
      await nextLine();
    }
  }
  out(`done ${Math.round((performance.now() - started) / cycles)}`);
  await agent.close();
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    out(`failed ${error.name}: ${error.message}`);
    process.exit(1);
  },
);
