import { appendFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { expect } from 'vitest';
import type { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent, expectValue } from '../../helpers/dapr-http.js';
import {
  describe,
  Gen,
  problems,
  Rng,
  send,
  type FuzzRequest,
  type FuzzResponse,
  type Names,
} from './fuzz-kit.js';

export interface FuzzRunOptions {
  seed: number;
  count: number;
  concurrency: number;
  timeoutMs: number;
  names: Names;
  /** Changes each request before it is sent (e.g. adds a token). */
  decorate?: (req: FuzzRequest, rng: Rng) => void;
  /** Extra checks of one exchange. */
  check?: (req: FuzzRequest, res: FuzzResponse) => string[];
  /** Values that must never appear in an answer. */
  secrets?: string[];
}

/** Runs the fuzzer against `p`; returns the status histogram (for the log) after asserting every invariant. */
export async function fuzz(p: DaprtsProcess, opts: FuzzRunOptions): Promise<Record<string, number>> {
  const seed = Number(process.env.DAPRTS_FUZZ_SEED ?? opts.seed);
  const rng = new Rng(seed);
  const gen = new Gen(rng, opts.names);
  const requests = Array.from({ length: opts.count }, (_, i) => {
    const req = gen.request(i);
    opts.decorate?.(req, rng);
    return req;
  });
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const failures: string[] = [];
  const histogram: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const req = requests[next++];
      const res = await send(p.httpPort, agent, req, opts.timeoutMs);
      const code = res.timedOut ? 'timeout' : res.error !== undefined ? 'error' : String(res.status);
      let label = code;
      if ((res.status ?? 0) >= 400 && res.body?.startsWith('{')) {
        try {
          label += ` ${(JSON.parse(res.body) as { errorCode?: string }).errorCode}`;
        } catch {
          // counted by status alone
        }
      }
      histogram[label] = (histogram[label] ?? 0) + 1;
      if (res.retried)
        histogram['keep-alive reset, resent'] = (histogram['keep-alive reset, resent'] ?? 0) + 1;
      if (process.env.DAPRTS_FUZZ_DUMP)
        appendFileSync(
          process.env.DAPRTS_FUZZ_DUMP,
          `${label}\t${describe(req)}\t${res.error ?? ''}${(res.body ?? '').slice(0, 300)}\n`,
        );
      const found = [...problems(req, res, opts.secrets), ...(opts.check?.(req, res) ?? [])];
      for (const f of found) failures.push(`${describe(req)}\n    → ${f}`);
      if (p.child.exitCode !== null || p.child.signalCode !== null) {
        failures.push(
          `${describe(req)}\n    → the sidecar exited (${p.child.exitCode ?? p.child.signalCode})`,
        );
        next = requests.length;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  agent.destroy();

  const summary = `seed ${seed}, ${opts.count} requests: ${JSON.stringify(histogram)}`;
  expect(
    failures.slice(0, 25),
    `${failures.length} failures (${summary}):\n${p.output.slice(-3000)}`,
  ).toEqual([]);
  // Alive, healthy, and still doing its job.
  expect(p.child.exitCode, p.output.slice(-3000)).toBeNull();
  await expectNoContent(await p.fetch('/v1.0/healthz'));
  return histogram;
}

/** After the run the sidecar still saves and reads state normally. */
export async function stillServesState(
  p: DaprtsProcess,
  headers: Record<string, string> = {},
): Promise<void> {
  const save = await p.fetch('/v1.0/state/statestore', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify([{ key: 'after-fuzz', value: { ok: true } }]),
  });
  await expectNoContent(save);
  const get = await p.fetch('/v1.0/state/statestore/after-fuzz', { headers });
  expect(await expectValue(get)).toBe('{"ok":true}');
}
