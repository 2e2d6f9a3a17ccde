let lastSecond = Number.NaN;
let lastStamp = '';

/**
 * RFC 3339 in UTC with seconds precision (`2026-11-24T08:00:00Z`), as daprd renders `ttlExpireTime`
 * and a CloudEvent's `time`/`expiration`. The last rendering is reused within the same second.
 */
export function rfc3339Seconds(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastStamp = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    lastSecond = second;
  }
  return lastStamp;
}
