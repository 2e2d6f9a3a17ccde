import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { CLI, DaprtsProcess, type DaprtsProcessOptions } from './daprts-process.js';

/** One `spec.metadata` entry of a Component. */
export type MetadataEntry =
  | { name: string; value: string }
  | { name: string; envRef: string }
  | { name: string; secretKeyRef: { name: string; key: string } };

export interface ComponentSpec {
  name: string;
  type?: string;
  version?: string;
  metadata?: MetadataEntry[];
  scopes?: string[];
  ignoreErrors?: boolean;
  initTimeout?: string;
}

/** A Component document as users write it (defaults: `state.in-memory`, `v1`). */
export function componentYaml(c: ComponentSpec): string {
  const lines = [
    'apiVersion: dapr.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${c.name}`,
    'spec:',
    `  type: ${c.type ?? 'state.in-memory'}`,
    `  version: ${c.version ?? 'v1'}`,
  ];
  if (c.initTimeout) lines.push(`  initTimeout: ${c.initTimeout}`);
  if (c.ignoreErrors !== undefined) lines.push(`  ignoreErrors: ${c.ignoreErrors}`);
  lines.push('  metadata:' + (c.metadata?.length ? '' : ' []'));
  for (const m of c.metadata ?? []) {
    lines.push(`  - name: ${m.name}`);
    if ('value' in m) lines.push(`    value: ${JSON.stringify(m.value)}`);
    if ('envRef' in m) lines.push(`    envRef: ${m.envRef}`);
    if ('secretKeyRef' in m)
      lines.push(
        `    secretKeyRef:`,
        `      name: ${m.secretKeyRef.name}`,
        `      key: ${m.secretKeyRef.key}`,
      );
  }
  if (c.scopes) lines.push('scopes:', ...c.scopes.map((s) => `- ${s}`));
  return lines.join('\n') + '\n';
}

/** A temporary folder of resource files, removed on dispose (for a second `--resources-path`). */
export function resourceDir(files: Record<string, string>): { dir: string } & Disposable {
  const dir = mkdtempSync(join(tmpdir(), 'daprts-it-res-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts a sidecar that must fail start-up; returns its exit code, output and how long it ran. */
export async function startExpectingExit(
  opts: DaprtsProcessOptions,
  timeoutMs = 10_000,
): Promise<{ code: number | null; output: string; elapsedMs: number }> {
  const started = Date.now();
  await using p = await DaprtsProcess.start({ ...opts, noWait: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
  const code = await Promise.race([p.exited, timeout]).finally(() => clearTimeout(timer));
  expect(code, `daprts did not exit within ${timeoutMs} ms:\n${p.output}`).not.toBe('timeout');
  return { code: code as number | null, output: p.output, elapsedMs: Date.now() - started };
}

/** Whether the built runtime registers a component type (some are still being added). */
export function isRegistered(type: string): boolean {
  try {
    const registry = readFileSync(join(dirname(CLI), '../components/state/registry.js'), 'utf8');
    return registry.includes(`'${type}'`) || registry.includes(`"${type}"`);
  } catch {
    return false;
  }
}
