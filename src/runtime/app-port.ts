import { connect } from 'node:net';

/** Resolves once something accepts TCP on host:port (daprd waits for the app port the same way). */
export function waitForPort(
  host: string,
  port: number,
  signal: AbortSignal,
  intervalMs = 100,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (signal.aborted) return reject(new Error('aborted'));
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        setTimeout(attempt, intervalMs).unref();
      });
    };
    attempt();
  });
}
