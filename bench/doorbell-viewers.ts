/**
 * bench:doorbell's Node viewers (run by bench/doorbell.ts in a LAN host): each line `add <pin>` on
 * stdin makes a new agent (its own identity) that pairs with the doorbell by PIN over direct connect
 * (`connectDirect` on the card from `/doorbell.json`) and counts the video RTP packets it receives;
 * `count` prints every viewer's packet count. Usage: `doorbell-viewers.ts <own address> <doorbell url>`.
 */
import { createInterface } from 'node:readline';
import { createDtlsCertificate, createNodeAgent, type NodeAgent } from '@lanrtc/node-agent';
import { createIdentity } from '@lanrtc/signal-core';
import type { MediaStreamTrack } from 'werift';

const [address, url] = process.argv.slice(2);
if (!address || !url) throw new Error('usage: doorbell-viewers.ts <address> <doorbell url>');
const say = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

const agents: NodeAgent[] = [];
const packets: number[] = [];

async function add(pin: string): Promise<void> {
  const info = (await (await fetch(new URL('/doorbell.json', url))).json()) as { card: string };
  const agent = await createNodeAgent({
    identity: createIdentity(),
    certificate: await createDtlsCertificate(),
    peer: { interfaceAddresses: [address as string] },
  });
  agents.push(agent);
  const index = packets.push(0) - 1;
  const connection = await agent.connectDirect(info.card, { pairing: { kind: 'pin', pin } });
  // werift may announce one remote track again on a renegotiation that keeps it: count it once.
  const counted = new Set<unknown>();
  const count = (track: MediaStreamTrack) => {
    if (track.kind !== 'video' || counted.has(track)) return;
    counted.add(track);
    track.onReceiveRtp.subscribe(() => (packets[index] as number)++);
  };
  for (const r of connection.peer.pc.getReceivers()) count(r.track);
  connection.peer.pc.onTrack.subscribe(count);
  say({ added: agents.length, id: agent.id });
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'add')
    add(arg ?? '').catch((error: Error) => say({ error: `${error.name}: ${error.message}` }));
  else if (cmd === 'count') say({ packets });
});
process.on('SIGTERM', () => {
  void Promise.all(agents.map((a) => a.close())).finally(() => process.exit(0));
});
say({ ready: true, pid: process.pid });
