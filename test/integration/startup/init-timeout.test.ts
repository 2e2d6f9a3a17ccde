import { createServer, type Socket } from 'node:net';
import { expect, it } from 'vitest';
import { componentYaml, isRegistered, startExpectingExit } from '../../helpers/resources.js';

it.skipIf(!isRegistered('state.redis'))(
  'spec.initTimeout bounds a component init that hangs (exit 1 well before the 5 s default)',
  async () => {
    // A TCP server that accepts and never answers: the redis handshake hangs.
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const { code, output, elapsedMs } = await startExpectingExit({
        resources: {
          'slow.yaml': componentYaml({
            name: 'slow',
            type: 'state.redis',
            initTimeout: '1s',
            metadata: [{ name: 'redisHost', value: `127.0.0.1:${port}` }],
          }),
        },
      });
      expect(code).toBe(1);
      expect(output).toContain('Component "slow"');
      expect(output).toMatch(/timed out after 1000 ms/);
      expect(elapsedMs).toBeLessThan(4_500);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  },
);
