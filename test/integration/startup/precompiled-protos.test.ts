import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { CLI } from '../../helpers/daprts-process.js';
import type * as Protos from '../../../src/api/grpc/protos.js';

it('the built protos module loads the Dapr protos from the JSON the build wrote, not by parsing .proto files', async () => {
  const built = pathToFileURL(resolve(dirname(CLI), '../api/grpc/protos.js')).href;
  const { precompiledProtos } = (await import(built)) as typeof Protos;
  const pre = precompiledProtos();
  expect(pre?.daprVersion).toMatch(/^\d+\.\d+\.\d+/);
  expect(Object.keys(pre?.root.nested ?? {})).toContain('dapr');
});

it('the bundled CLI has the JSON beside the chunk that reads it', () => {
  const chunks = join(dirname(CLI), 'chunks');
  const readers = readdirSync(chunks).filter(
    (f) => f.endsWith('.js') && readFileSync(join(chunks, f), 'utf8').includes('dapr-protos.json'),
  );
  expect(readers.length).toBeGreaterThan(0);
  expect(existsSync(join(chunks, 'dapr-protos.json'))).toBe(true);
});
