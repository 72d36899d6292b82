import type { KnownPeer } from '@lanrtc/signal-core';
import { httpGrantAllows, httpGrantScope } from '@lanrtc/signal-core/http';
import { describe, expect, it } from 'vitest';

const peer = (grants: KnownPeer['grants']): KnownPeer => ({
  id: 'x',
  publicKey: new Uint8Array(32),
  name: 'phone',
  deviceTypes: [],
  fingerprints: [],
  firstSeen: 0,
  lastSeen: 0,
  grants,
  flags: [],
  failures: 0,
});

describe('HTTP grants', () => {
  it('scope is http:<service>', () => {
    expect(httpGrantScope('web')).toBe('http:web');
  });

  it('a prefix allows itself and what is under it, whole segments only', () => {
    const p = peer([{ scope: 'http:web', actions: ['/api', '/media/'] }]);
    expect(httpGrantAllows(p, 'web', '/api')).toBe(true);
    expect(httpGrantAllows(p, 'web', '/api/')).toBe(true);
    expect(httpGrantAllows(p, 'web', '/api/x?y=1')).toBe(true);
    expect(httpGrantAllows(p, 'web', '/api?y=1')).toBe(true);
    expect(httpGrantAllows(p, 'web', '/%61pi/x')).toBe(true);
    expect(httpGrantAllows(p, 'web', '/media/v.mp4')).toBe(true);
    expect(httpGrantAllows(p, 'web', '/apix')).toBe(false);
    expect(httpGrantAllows(p, 'web', '/')).toBe(false);
    expect(httpGrantAllows(p, 'web', '/admin')).toBe(false);
    expect(httpGrantAllows(p, 'web', '/api/../admin')).toBe(false);
    expect(httpGrantAllows(p, 'web', '/api%2f..%2fadmin')).toBe(false);
  });

  it('"/" allows every safe path; other services, no grant and unknown peers allow nothing', () => {
    const p = peer([{ scope: 'http:web', actions: ['/'] }]);
    expect(httpGrantAllows(p, 'web', '/anything/at/all')).toBe(true);
    expect(httpGrantAllows(p, 'web', '/a/../b')).toBe(false);
    expect(httpGrantAllows(p, 'cam', '/anything')).toBe(false);
    expect(httpGrantAllows(peer([]), 'web', '/')).toBe(false);
    expect(httpGrantAllows(peer([{ scope: 'files', actions: ['/'] }]), 'web', '/')).toBe(false);
    expect(httpGrantAllows(undefined, 'web', '/')).toBe(false);
  });

  it('a malformed prefix grants nothing', () => {
    const p = peer([{ scope: 'http:web', actions: ['api', '/a/../b', '', '/x?y'] }]);
    for (const path of ['/api', '/b', '/a', '/x', '/x?y'])
      expect(httpGrantAllows(p, 'web', path)).toBe(false);
  });
});
