import { describe, expect, it } from 'vitest';
import { appPath, goPathClean } from './clean-path.js';

describe('goPathClean (Go path.Clean)', () => {
  it.each([
    ['', '.'],
    ['/', '/'],
    ['abc', 'abc'],
    ['abc/', 'abc'],
    ['/orders/', '/orders'],
    ['a//b', 'a/b'],
    ['/a/./b', '/a/b'],
    ['/a//b/../c', '/a/c'],
    ['/../a', '/a'],
    ['../a', '../a'],
    ['a/../..', '..'],
    ['a/..', '.'],
    ['/q?x=1', '/q?x=1'],
  ])('%j → %j', (p, want) => expect(goPathClean(p)).toBe(want));
});

describe('appPath', () => {
  it('cleans and roots the path as daprd builds the app URL', () => {
    expect(appPath('orders')).toBe('/orders');
    expect(appPath('/orders/')).toBe('/orders');
    expect(appPath('dapr/subscribe')).toBe('/dapr/subscribe');
    expect(appPath('')).toBe('/');
    expect(appPath('job/a')).toBe('/job/a');
  });
});
