import { describe, expect, it } from 'vitest';
import { InvalidLanOptionsError } from '../src/errors.js';
import {
  checkLabel,
  ipv6,
  netnsName,
  newRunId,
  parseNetnsName,
  parseSubnet,
  pickSubnet,
} from '../src/naming.js';

describe('netns names', () => {
  it('round-trips a run id and role through a namespace name', () => {
    const runId = newRunId(4242);
    expect(runId).toMatch(/^4242-[0-9a-f]{4}$/);
    expect(parseNetnsName(netnsName(runId, 'h1'))).toEqual({ runId, pid: 4242, role: 'h1' });
    expect(parseNetnsName(netnsName(runId, 'owner-br'))).toEqual({ runId, pid: 4242, role: 'owner-br' });
  });

  it.each([
    'lrcap-10946-a', // another tool's namespace: never ours to clean
    'lrtc-abc-1234-h1',
    'lrtc-12-xyz1-h1',
    'lrtc-12-12ab',
    'lrtc-0-12ab-h1',
    'lrtc-12-12ab-H1',
    'xlrtc-12-12ab-h1',
    'lrtc-12-12ab-h1 (id: 3)',
    '',
  ])('does not claim %j', (name) => {
    expect(parseNetnsName(name)).toBeUndefined();
  });

  it.each(['', 'br', 'H1', 'a-b', 'a b', 'abcdefghijklm', '../x'])('rejects label %j', (label) => {
    expect(() => checkLabel('label', label)).toThrow(InvalidLanOptionsError);
  });
});

describe('address plan', () => {
  it.each([
    '10.77.0.0/24', // the test runner's own namespace (scripts/netns-run.mjs)
    '192.168.1.0/24',
    '10.1.2.3/24',
    '10.1.2.0/16',
    '10.256.0.0/24',
    '10.1.0.0',
    'fd00::/64',
  ])('rejects subnet %j', (cidr) => {
    expect(() => parseSubnet(cidr)).toThrow(InvalidLanOptionsError);
  });

  it('accepts a 10.x.y.0/24', () => {
    expect(parseSubnet('10.99.3.0/24')).toEqual([10, 99, 3]);
  });

  it('picks subnets inside 10.100.0.0-10.199.255.0, never the runner subnet, distinct per LAN', () => {
    const seen = new Set<string>();
    for (let pid = 1; pid < 3000; pid += 7) {
      const s = pickSubnet(pid);
      expect(s[0]).toBe(10);
      expect(s[1]).toBeGreaterThanOrEqual(100);
      expect(s[1]).toBeLessThanOrEqual(199);
      seen.add(s.join('.'));
    }
    expect(seen.size).toBeGreaterThan(400);
    expect(pickSubnet(7).join('.')).not.toBe(pickSubnet(7).join('.'));
  });

  it('mirrors 10.b.c.n as the ULA fd00:0:b:c::n', () => {
    expect(ipv6([10, 123, 45], 7)).toBe('fd00:0:123:45::7');
  });
});
