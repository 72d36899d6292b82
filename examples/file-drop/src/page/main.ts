/**
 * The file-drop page: joins the host's room with the link's invite (which pairs it with the host),
 * lists the room's other members as receivers, sends dropped or picked files to one of them, and
 * receives what others send (asking first) as downloads. A page that sends to another page for the
 * first time pairs with it by numeric comparison: both screens show six digits and both users confirm.
 */
import {
  type BrowserAgent,
  type BrowserConnection,
  createBrowserAgent,
  joinRoom,
  type PathedFile,
  type PlayerRoom,
  type RoomMember,
  receiveFiles,
  type Sha256Worker,
  sendFiles,
  startSha256Worker,
} from '@lanrtc/browser-client';
import { FILES_JOIN_PARAM, FILES_RELAY_PATH } from '@lanrtc/signal-core/transfer';
import { formatBytes } from '../shared/format.js';
import { byId, h, showScreen } from './dom.js';
import { droppedFiles } from './dropped-files.js';
import { askCompare, askOffer } from './prompts.js';
import { installTestHooks } from './test-hooks.js';
import { addTransfer, fail, follow, render, transfers } from './transfer-list.js';

const NAME_KEY = 'file-drop-name';
/** How long a receiving page waits for the sender to close a finished transfer's connection. */
const SENDER_CLOSES_MS = 5_000;
let screen = 'message';
let status = 'starting';
let room: PlayerRoom | undefined;
let agent: BrowserAgent | undefined;
let chosen: PathedFile[] = [];
/**
 * SHA-256 runs in a worker, so the page's thread is free for the DataChannel and the list while a
 * file is hashed; without Workers (or if the worker fails to start) the page hashes on its own thread.
 */
const hashWorker: Promise<Sha256Worker | undefined> = (() => {
  try {
    return startSha256Worker(new Worker(new URL('./sha256-worker.ts', import.meta.url), { type: 'module' }));
  } catch {
    return Promise.resolve(undefined);
  }
})();
let hashingIn: 'worker' | 'page' | undefined;
void hashWorker.then((w) => {
  hashingIn = w ? 'worker' : 'page';
});

function setStatus(text: string, tone: '' | 'ok' | 'bad' = ''): void {
  status = text;
  const pill = byId('status');
  pill.textContent = text;
  pill.className = `pill ${tone}`;
}

function message(text: string): void {
  screen = 'message';
  byId('message-text').textContent = text;
  showScreen('screen-message');
}

const receivers = (): RoomMember[] => (room ? room.members().filter((m) => m.id !== room?.self.id) : []);
const nameOf = (id: string): string => room?.members().find((m) => m.id === id)?.name ?? `${id.slice(0, 8)}…`;

function renderReceivers(): void {
  const list = byId('receivers');
  const others = receivers();
  byId('no-receivers').hidden = others.length > 0;
  list.replaceChildren(
    ...others.map((m) => {
      const li = h('li');
      li.dataset.receiver = m.name;
      const send = h('button', 'send', 'Send');
      send.type = 'button';
      send.disabled = chosen.length === 0;
      send.addEventListener('click', () => void sendTo(m, chosen));
      li.append(
        h('span', 'name', m.name),
        h('span', 'kind muted', m.role === 'host' ? 'computer' : 'browser'),
        send,
      );
      // Files dropped on a receiver go straight to it.
      li.addEventListener('dragover', (e) => {
        e.preventDefault();
        li.classList.add('over');
      });
      li.addEventListener('dragleave', () => li.classList.remove('over'));
      li.addEventListener('drop', (e) => {
        e.preventDefault();
        li.classList.remove('over');
        void droppedFiles(e.dataTransfer).then((files) => {
          if (files.length > 0) return sendTo(m, files);
        });
      });
      return li;
    }),
  );
}

function choose(files: PathedFile[]): void {
  chosen = files;
  const total = files.reduce((s, f) => s + f.file.size, 0);
  byId('chosen').textContent =
    files.length === 0
      ? 'No files chosen.'
      : `${files.length} file${files.length === 1 ? '' : 's'}, ${formatBytes(total)} — pick a receiver.`;
  byId('clear-files').hidden = files.length === 0;
  renderReceivers();
}

/** Send `files` to `member`: pair first if it is a page this one never met, then connect and send. */
async function sendTo(member: RoomMember, files: PathedFile[]): Promise<void> {
  if (!agent || files.length === 0) return;
  const total = files.reduce((s, f) => s + f.file.size, 0);
  const entry = addTransfer('out', member.name, total, 'waiting');
  let connection: BrowserConnection | undefined;
  try {
    if (!(await agent.trust.get(member.id))) {
      entry.state = 'pairing';
      render(entry);
      await agent.pair(
        member.id,
        { kind: 'compare' },
        { onCompare: (digits, signal) => askCompare(digits, member.name, signal) },
      );
    }
    entry.state = 'hashing';
    render(entry);
    connection = await agent.connect(member.id);
    const hashStart = performance.now();
    const handle = sendFiles(connection, files, {
      hashWorker: await hashWorker,
      onHashProgress(hashed) {
        entry.hashedBytes = hashed;
        // Hashed: now the receiver is asked.
        if (hashed === total) {
          entry.state = 'waiting';
          entry.hashMs = performance.now() - hashStart;
        }
        render(entry);
      },
    });
    follow(entry, handle);
    void handle.done.finally(() => connection?.close()).catch(() => undefined);
    await handle.done.catch(() => undefined);
  } catch (error) {
    fail(entry, error as Error);
    void connection?.close();
  }
}

/** A connection another member opened to this page: it carries a transfer to receive. */
function onIncoming(connection: BrowserConnection): void {
  void hashWorker.then((worker) => receiveWith(connection, worker));
}

function receiveWith(connection: BrowserConnection, worker: Sha256Worker | undefined): void {
  const from = nameOf(connection.remote.id);
  const entry = addTransfer('in', from, 0, 'waiting');
  const handle = receiveFiles(connection, {
    hashWorker: worker,
    decide: (offer) => {
      entry.totalBytes = offer.totalBytes;
      render(entry);
      return askOffer(offer, from);
    },
    deliver(file) {
      // The download starts now; the link in the list saves it again.
      const url = URL.createObjectURL(file.blob);
      entry.saved.set(file.path, url);
      const a = h('a');
      a.href = url;
      a.download = file.name;
      document.body.append(a);
      a.click();
      a.remove();
    },
  });
  follow(entry, handle);
  render(entry);
  // The sender closes the connection once it has this side's last frame (COMPLETE, DECLINE);
  // closing here at once could cut that frame off, so only if the sender does not.
  void handle.done
    .catch(() => undefined)
    .then(() => Promise.race([connection.ended, new Promise((r) => setTimeout(r, SENDER_CLOSES_MS))]))
    .then(() => connection.close());
}

async function join(name: string): Promise<void> {
  const invite = new URLSearchParams(location.hash.slice(1)).get(FILES_JOIN_PARAM);
  if (!invite) {
    message('This page needs the link the file-drop host prints (it carries the invite after #join=).');
    return;
  }
  message('Connecting…');
  setStatus('connecting');
  agent = await createBrowserAgent({ relay: { url: `ws://${location.host}${FILES_RELAY_PATH}` } });
  // Pages that meet for the first time pair by comparing digits; the user confirms each one.
  agent.acceptCompare((digits, signal) => askCompare(digits, 'a page that wants to send you files', signal));
  agent.onConnection(onIncoming);
  room = await joinRoom(agent, invite, { name });
  localStorage.setItem(NAME_KEY, name);
  byId('me').textContent = `you are ${room.self.name}`;
  setStatus(`connected to ${room.host.name}`, 'ok');
  room.onJoin(renderReceivers);
  room.onLeave(renderReceivers);
  void room.ended.then((reason) => {
    setStatus(`disconnected (${room?.endMessage ?? reason})`, 'bad');
    room = undefined;
    renderReceivers();
  });
  screen = 'main';
  showScreen('screen-main');
  renderReceivers();
}

function start(): void {
  installTestHooks({
    screen: () => screen,
    status: () => status,
    self: () => room?.self,
    receivers,
    transfers,
    hashing: () => hashingIn,
  });
  const zone = byId('drop-zone');
  const input = byId<HTMLInputElement>('file-input');
  const picked = (list: FileList | null) =>
    Array.from(list ?? []).map((file) => ({ file, path: file.webkitRelativePath || file.name }));
  input.addEventListener('change', () => choose(picked(input.files)));
  const folder = byId<HTMLInputElement>('folder-input');
  folder.addEventListener('change', () => choose(picked(folder.files)));
  byId('clear-files').addEventListener('click', () => {
    input.value = '';
    folder.value = '';
    choose([]);
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    void droppedFiles(e.dataTransfer).then(choose);
  });
  // A drop that misses the zones must not make the browser open the file instead of the page.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());

  const fromLink = new URLSearchParams(location.hash.slice(1)).get('name');
  const remembered = localStorage.getItem(NAME_KEY);
  const run = (name: string) =>
    join(name).catch((error: Error) => {
      setStatus('not connected', 'bad');
      message(`Could not join: ${error.name}: ${error.message}`);
    });
  if (fromLink || remembered) {
    void run((fromLink || remembered) as string);
    return;
  }
  screen = 'name';
  showScreen('screen-name');
  const form = byId<HTMLFormElement>('name-form');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const name = byId<HTMLInputElement>('name-input').value.trim();
    if (name) void run(name);
  });
}

start();
