import { isHeaderName, isHeaderValue, stripHopByHop } from '@lanrtc/signal-core/http';
import { describe, expect, it } from 'vitest';

describe('HTTP header rules', () => {
  it('drops hop-by-hop headers and those named in connection, lowercasing names', () => {
    const kept = stripHopByHop([
      ['Connection', 'close, X-Secret-Hop'],
      ['Keep-Alive', 'timeout=5'],
      ['Proxy-Authorization', 'Basic x'],
      ['proxy-connection', 'keep-alive'],
      ['TE', 'trailers'],
      ['trailer', 'x'],
      ['transfer-encoding', 'chunked'],
      ['upgrade', 'websocket'],
      ['host', 'evil.example'],
      ['x-secret-hop', '1'],
      ['Range', 'bytes=0-99'],
      ['content-type', 'video/mp4'],
    ]);
    expect(kept).toEqual([
      ['range', 'bytes=0-99'],
      ['content-type', 'video/mp4'],
    ]);
  });

  it('names are lowercase tokens, values have no CR, LF or NUL', () => {
    expect(isHeaderName('x-a_b.c')).toBe(true);
    expect(isHeaderName('X-A')).toBe(false);
    expect(isHeaderName('a b')).toBe(false);
    expect(isHeaderName('a:b')).toBe(false);
    expect(isHeaderName('')).toBe(false);
    expect(isHeaderValue('text/plain; q=1')).toBe(true);
    expect(isHeaderValue('a\rb')).toBe(false);
    expect(isHeaderValue('a\nb')).toBe(false);
    expect(isHeaderValue('a\0b')).toBe(false);
  });
});
