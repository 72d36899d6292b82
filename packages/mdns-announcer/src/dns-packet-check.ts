/**
 * Whether the loaded dns-packet carries patches/dns-packet@5.6.1.patch (docs/dns-packet-patches.md).
 * pnpm patches apply only inside the lanrtc workspace. Without the patch QU questions would go
 * unanswered and cut-off address records would decode into addresses like `10.77.undefined.undefined`,
 * so links refuse to open on an unpatched copy (`DnsPacketUnpatchedError`).
 */
import dnsPacket from 'dns-packet';

/** The two dns-packet functions the self-test calls. */
export interface DnsPacketCodec {
  decode(buf: Buffer): { questions?: ReadonlyArray<{ class?: string; qu?: boolean }> };
  encode(packet: never): Buffer;
}

// "x." type A, class IN with the QU bit (RFC 6762 §5.4).
const QU_QUESTION = Buffer.from('000000000001000000000000 0178 00 0001 8001'.replaceAll(' ', ''), 'hex');
// A response whose A record promises 4 bytes of data and carries 2.
const CUT_A = Buffer.from(
  '000084000000000100000000 00 0001 0001 00000078 0004 0a4d'.replaceAll(' ', ''),
  'hex',
);

function throws(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch {
    return true;
  }
}

/** Self-test of one dns-packet copy: QU decoded, a cut-off A record and a 256-byte TXT string refused. */
export function checkDnsPacket(lib: DnsPacketCodec): boolean {
  let question: { class?: string; qu?: boolean } | undefined;
  try {
    question = lib.decode(QU_QUESTION).questions?.[0];
  } catch {
    return false;
  }
  const longTxt = {
    type: 'response',
    answers: [{ name: 'x', type: 'TXT', data: [Buffer.alloc(256)] }],
  } as never;
  return (
    question?.class === 'IN' &&
    question.qu === true &&
    throws(() => lib.decode(CUT_A)) &&
    throws(() => lib.encode(longTxt))
  );
}

let patched: boolean | undefined;

/** True when the dns-packet this package loads is the patched one (checked once, then cached). */
export function dnsPacketPatched(): boolean {
  patched ??= checkDnsPacket(dnsPacket as unknown as DnsPacketCodec);
  return patched;
}
