import { checkRequestPath } from '@lanrtc/signal-core/http';
import { describe, expect, it } from 'vitest';

describe('checkRequestPath', () => {
  it.each([
    ['/', '/'],
    ['/a/b?x=1', '/a/b?x=1'],
    ['/a/b/', '/a/b/'],
    ['/%61pi/x', '/api/x'],
    ['/a%2dz/%7e', '/a-z/~'],
    ['/caf%c3%a9', '/caf%C3%A9'],
    ['/search?q=%2F..%2F&r=a/b', '/search?q=%2F..%2F&r=a/b'],
    ['/v.mp4', '/v.mp4'],
    ['/..a/b..', '/..a/b..'],
  ])('%s → %s', (path, normal) => {
    expect(checkRequestPath(path)).toBe(normal);
  });

  it.each([
    ['empty', ''],
    ['relative', 'a/b'],
    ['absolute-form', 'http://evil.example/'],
    ['protocol-relative', '//evil.example/x'],
    ['empty segment', '/a//b'],
    ['dot-dot', '/a/../b'],
    ['trailing dot-dot', '/a/..'],
    ['dot', '/a/./b'],
    ['encoded dot-dot', '/a/%2e%2e/b'],
    ['mixed encoded dot-dot', '/a/.%2E/b'],
    ['encoded slash', '/a%2fb'],
    ['encoded slash upper', '/a%2Fb'],
    ['encoded backslash', '/a%5cb'],
    ['encoded NUL', '/a%00b'],
    ['encoded NUL in query', '/a?x=%00'],
    ['bad escape', '/a%zz'],
    ['short escape', '/a%2'],
    ['bad escape in query', '/a?x=%g1'],
    ['backslash', '/a\\b'],
    ['backslash start', '/\\evil.example'],
    ['space', '/a b'],
    ['tab', '/a\tb'],
    ['CR LF', '/a\r\nHost: evil'],
    ['DEL', '/a\x7f'],
    ['non-ASCII', '/café'],
    ['fragment', '/a#b'],
    ['too long', `/${'a'.repeat(9000)}`],
  ])('refuses %s', (_what, path) => {
    expect(() => checkRequestPath(path)).toThrow(expect.objectContaining({ name: 'UnsafeRequestPathError' }));
  });
});
