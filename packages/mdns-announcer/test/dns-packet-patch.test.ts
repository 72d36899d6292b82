/**
 * The dns-packet 5.6.1 bugs that patches/dns-packet@5.6.1.patch fixes, shown against dns-packet
 * itself (docs/dns-packet-patches.md). Every case here fails on the unpatched library. Packets are
 * written out byte by byte so that the decoder is not checked against its own encoder.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { ANY } from '../src/wire.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// A probe as RFC 6762 §8.1 puts it on the wire: two questions, one authority record.
const PROBE = hex(`
  0000 0000 0002 0000 0001 0000
  05 70726f6265 05 6c6f63616c 00  00ff 8001
  04 686f7374 c012                0001 0001
  c00c 0001 0001 00000078 0004 0a4d0009
`); // q1 "probe.local" ANY, class IN | QU; q2 "host.local" A, class IN (QM); authority probe.local A 10.77.0.9

/** A response holding one `h.local` record of `type` (hex) with the given rdlength and rdata. */
const response = (type: string, rdlength: string, rdata: string) =>
  hex(`0000 8400 0000 0001 0000 0000  01 68 05 6c6f63616c 00  ${type} 8001 00000078 ${rdlength} ${rdata}`);

describe('dns-packet 5.6.1 patch', () => {
  it('decodes the unicast-response (QU) bit of a question into `qu` and keeps the class (RFC 6762 §5.4, §18.12)', () => {
    const packet = dnsPacket.decode(PROBE);
    // Unpatched: class 'UNKNOWN_32769' and no qu.
    expect(packet.questions).toEqual([
      { name: 'probe.local', type: 'ANY', class: 'IN', qu: true },
      { name: 'host.local', type: 'A', class: 'IN' },
    ]);
    expect(packet.authorities?.[0]).toMatchObject({ name: 'probe.local', type: 'A', data: '10.77.0.9' });
  });

  it('encodes `qu: true` as the top bit of the question class, and round-trips it', () => {
    const bytes = dnsPacket.encode({
      type: 'query',
      questions: [
        { name: 'probe.local', type: ANY, qu: true },
        { name: 'host.local', type: 'A' },
      ],
    });
    // Unpatched: 0x0001, the bit is silently dropped.
    expect(bytes.readUInt16BE(12 + 13 + 2)).toBe(0x8001);
    expect(bytes.readUInt16BE(bytes.length - 2)).toBe(0x0001);
    expect(dnsPacket.decode(bytes).questions?.map((q) => q.qu === true)).toEqual([true, false]);
  });

  it('refuses an A or AAAA record whose data is cut off by the end of the packet', () => {
    // Unpatched: decoded as '10.77.undefined.undefined' and 'fe80::' without an error.
    expect(() => dnsPacket.decode(response('0001', '0004', '0a4d'))).toThrow(RangeError);
    expect(() => dnsPacket.decode(response('001c', '0010', 'fe80000000000000'))).toThrow(RangeError);
    expect(dnsPacket.decode(response('0001', '0004', '0a4d0009')).answers?.[0]).toMatchObject({
      type: 'A',
      data: '10.77.0.9',
    });
  });

  it('refuses an A or AAAA record whose rdlength is not 4 or 16', () => {
    // Unpatched: '10.77.0.9' from the first four of five bytes; '10.77.undefined.undefined' from two.
    expect(() => dnsPacket.decode(response('0001', '0005', '0a4d0009ff'))).toThrow(RangeError);
    expect(() => dnsPacket.decode(response('0001', '0002', '0a4d'))).toThrow(RangeError);
    expect(() => dnsPacket.decode(response('001c', '0004', '0a4d0009'))).toThrow(RangeError);
  });

  it('refuses any record whose rdlength runs past the end of the packet', () => {
    // Unpatched: a TXT string cut short by the packet end comes back as a shorter string.
    expect(() => dnsPacket.decode(response('0010', '0006', '05616263'))).toThrow(RangeError);
    expect(dnsPacket.decode(response('0010', '0004', '03616263')).answers?.[0]).toMatchObject({
      type: 'TXT',
      data: [Buffer.from('abc')],
    });
  });

  it('refuses to encode a TXT string over 255 bytes (RFC 1035 §3.3 <character-string>)', () => {
    const txt = (n: number) => ({
      type: 'response' as const,
      answers: [{ name: 't.local', type: 'TXT' as const, data: [Buffer.alloc(n, 0x61)] }],
    });
    // Unpatched: the length byte is written as 300 & 0xff = 44, corrupting the record.
    expect(() => dnsPacket.encode(txt(300))).toThrow(RangeError);
    expect(() => dnsPacket.encode(txt(256))).toThrow(RangeError);
    expect(dnsPacket.decode(dnsPacket.encode(txt(255))).answers?.[0]).toMatchObject({
      data: [Buffer.alloc(255, 0x61)],
    });
  });

  it('is the one copy multicast-dns uses', () => {
    const here = createRequire(import.meta.url);
    const viaMdns = createRequire(here.resolve('multicast-dns'));
    expect(viaMdns.resolve('dns-packet')).toBe(here.resolve('dns-packet'));
    expect(dirname(here.resolve('dns-packet'))).toMatch(/dns-packet@5\.6\.1/);
  });
});
