/** Child process for signals.test.ts: announce, say "ready", then wait to be signalled. */
import { announce } from '../src/index.js';
import { newCard, verifyTestCard } from './support.js';

const mdnsPort = Number(process.argv[2]);
await announce({
  card: newCard('Signalled', ['game']).card,
  verifyCard: verifyTestCard,
  instanceName: 'Signalled',
  port: 9000,
  interfaces: ['eth0'],
  mdnsPort,
});
process.stdout.write('ready\n');
