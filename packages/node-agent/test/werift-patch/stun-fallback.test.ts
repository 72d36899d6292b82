/**
 * werift patch (c): no implicit STUN server. Unpatched werift 0.24.4 gives every ICE agent
 * stun.l.google.com:19302 when none is configured, even with `iceServers: []`.
 */
import { describe, expect, it } from 'vitest';
import { Connection } from 'werift';

describe('werift patch: STUN server only when configured', () => {
  it('has none by default', () => {
    expect(new Connection(true, {}).stunServer).toBeUndefined();
    expect(new Connection(false, { iceLite: true }).stunServer).toBeUndefined();
  });

  it('still uses a configured one', () => {
    expect(new Connection(true, { stunServer: ['192.0.2.1', 3478] }).stunServer).toEqual(['192.0.2.1', 3478]);
  });
});
