/**
 * A minimal STUN (RFC 5389) encoder/decoder for the patch tests, written independently of werift so
 * that werift's own encoder is not what decides whether werift's checks pass.
 */
import { createHmac, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';

const COOKIE = 0x2112a442;
export const BINDING_REQUEST = 0x0001;
export const BINDING_SUCCESS = 0x0101;
export const BINDING_ERROR = 0x0111;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function attribute(type: number, value: Buffer): Buffer {
  const pad = (4 - (value.length % 4)) % 4;
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value, Buffer.alloc(pad)]);
}

function header(type: number, bodyLength: number, txid: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(type, 0);
  h.writeUInt16BE(bodyLength, 2);
  h.writeUInt32BE(COOKIE, 4);
  txid.copy(h, 8);
  return h;
}

/** What goes into one ICE Binding request (RFC 8445 §7.1.1). */
export interface BindingRequest {
  username?: string;
  /** Key for MESSAGE-INTEGRITY (the receiver's ICE password); omitted when undefined. */
  integrityKey?: string;
  /** Change one byte of PRIORITY after MESSAGE-INTEGRITY is computed. */
  tamper?: boolean;
  txid?: Buffer;
  /** Send ICE-CONTROLLING instead of ICE-CONTROLLED (to an ICE-lite agent, which is always controlled). */
  controlling?: boolean;
  /** Add USE-CANDIDATE (the controlling side nominates this pair). */
  useCandidate?: boolean;
}

/** Encode a Binding request: USERNAME, PRIORITY, ICE-CONTROLLED or -CONTROLLING, USE-CANDIDATE?, MESSAGE-INTEGRITY, FINGERPRINT. */
export function bindingRequest(req: BindingRequest): { bytes: Buffer; txid: Buffer } {
  const txid = req.txid ?? randomBytes(12);
  const priority = Buffer.alloc(4);
  priority.writeUInt32BE(0x6e0001ff, 0);
  const attrs: Buffer[] = [];
  if (req.username !== undefined) attrs.push(attribute(0x0006, Buffer.from(req.username, 'utf8')));
  attrs.push(attribute(0x0024, priority));
  // ICE-CONTROLLED by default: no role conflict with a controlling agent.
  attrs.push(attribute(req.controlling ? 0x802a : 0x8029, randomBytes(8)));
  if (req.useCandidate) attrs.push(attribute(0x0025, Buffer.alloc(0)));
  let body = Buffer.concat(attrs);
  if (req.integrityKey !== undefined) {
    // RFC 5389 §15.4: HMAC-SHA1 over the message with the length field already counting MESSAGE-INTEGRITY.
    const hmac = createHmac('sha1', Buffer.from(req.integrityKey, 'utf8'))
      .update(Buffer.concat([header(BINDING_REQUEST, body.length + 24, txid), body]))
      .digest();
    body = Buffer.concat([body, attribute(0x0008, hmac)]);
  }
  if (req.tamper) {
    // First byte of PRIORITY's value, which follows USERNAME (when present) and its own 4-byte header.
    const at = (req.username !== undefined ? (attrs[0]?.length ?? 0) : 0) + 4;
    body.writeUInt8(body.readUInt8(at) ^ 0x01, at);
  }
  // RFC 5389 §15.5: CRC-32 over the message with the length counting FINGERPRINT, XOR 0x5354554e.
  const crc =
    (crc32(Buffer.concat([header(BINDING_REQUEST, body.length + 8, txid), body])) ^ 0x5354554e) >>> 0;
  const fp = Buffer.alloc(4);
  fp.writeUInt32BE(crc, 0);
  body = Buffer.concat([body, attribute(0x8028, fp)]);
  return { bytes: Buffer.concat([header(BINDING_REQUEST, body.length, txid), body]), txid };
}

/** A decoded STUN response: its type and, for errors, the ERROR-CODE number. */
export interface StunResponse {
  type: number;
  errorCode?: number;
}

function parseResponse(buf: Buffer): { txid: string; response: StunResponse } | undefined {
  if (buf.length < 20 || buf.readUInt32BE(4) !== COOKIE) return undefined;
  const type = buf.readUInt16BE(0);
  const response: StunResponse = { type };
  for (let pos = 20; pos + 4 <= buf.length; ) {
    const t = buf.readUInt16BE(pos);
    const len = buf.readUInt16BE(pos + 2);
    if (t === 0x0009 && len >= 4) response.errorCode = (buf[pos + 6] ?? 0) * 100 + (buf[pos + 7] ?? 0);
    pos += 4 + len + ((4 - (len % 4)) % 4);
  }
  return { txid: buf.subarray(8, 20).toString('hex'), response };
}

/** A UDP socket that sends Binding requests and collects responses by transaction id. */
export class StunClient {
  private readonly socket = dgram.createSocket('udp4');
  private readonly responses = new Map<string, StunResponse>();
  private readonly waiters = new Map<string, (r: StunResponse) => void>();

  private constructor() {
    this.socket.on('message', (msg) => {
      const parsed = parseResponse(msg);
      if (!parsed || parsed.response.type === BINDING_REQUEST) return;
      this.responses.set(parsed.txid, parsed.response);
      this.waiters.get(parsed.txid)?.(parsed.response);
    });
  }

  /** Bind to `address` on an ephemeral port. */
  static async open(address: string): Promise<StunClient> {
    const client = new StunClient();
    await new Promise<void>((resolve) => client.socket.bind(0, address, resolve));
    return client;
  }

  /** Send and wait up to `ms` for the response with the same transaction id (undefined: none came). */
  async request(
    bytes: Buffer,
    txid: Buffer,
    host: string,
    port: number,
    ms = 800,
  ): Promise<StunResponse | undefined> {
    const key = txid.toString('hex');
    const answered = new Promise<StunResponse | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(this.responses.get(key)), ms);
      this.waiters.set(key, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
    this.socket.send(bytes, port, host);
    const r = await answered;
    this.waiters.delete(key);
    return r;
  }

  /** The local UDP port (the source port of every request). */
  get port(): number {
    return this.socket.address().port;
  }

  /** Send without waiting. */
  send(bytes: Buffer, host: string, port: number): void {
    this.socket.send(bytes, port, host);
  }

  /** Number of responses received so far. */
  get responseCount(): number {
    return this.responses.size;
  }

  /** Close the socket. */
  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
