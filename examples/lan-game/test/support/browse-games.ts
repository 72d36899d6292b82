/**
 * TEST-ONLY, run in a LAN host: `browse-games.ts <ip>` browses mDNS for device type `game` (the
 * `_game._sub._lanrtc._udp` subtype) and prints the first verified card as one JSON line, then exits;
 * exits 1 after 10 s with nothing found.
 */
import { browse } from '@lanrtc/mdns-announcer';

const [ip] = process.argv.slice(2);
if (!ip) throw new Error('usage: browse-games.ts <ip>');
const browser = await browse({ deviceType: 'game', interfaces: [ip] });
const timer = setTimeout(() => process.exit(1), 10_000);
for await (const event of browser) {
  if (event.type !== 'up') continue;
  const { card } = event;
  process.stdout.write(
    `${JSON.stringify({ id: card.id, name: card.name, deviceTypes: card.deviceTypes, candidates: event.candidates })}\n`,
  );
  break;
}
clearTimeout(timer);
await browser.close();
