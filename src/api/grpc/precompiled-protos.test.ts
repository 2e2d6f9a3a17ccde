import { loadSync, fromJSON, type PackageDefinition } from '@grpc/proto-loader';
import type { MethodDefinition } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs build script, without types
import { buildPrecompiledProtos } from '../../../scripts/build-protos.mjs';
import * as protos from './protos.js';

const { LOADER_OPTIONS, PROTO_FILES, protoDir } = protos;

type Method = MethodDefinition<unknown, unknown>;
const SERVICES = ['Dapr', 'AppCallback', 'AppCallbackAlpha', 'AppCallbackHealthCheck'].map(
  (s) => `dapr.proto.runtime.v1.${s}`,
);

/** What the build writes must give the same services as parsing the `.proto` files at start-up. */
describe('precompiled protos (scripts/build-protos.mjs)', async () => {
  const parsed = loadSync(PROTO_FILES, { ...LOADER_OPTIONS, includeDirs: [protoDir()] });
  const pre = (await buildPrecompiledProtos(protos)) as protos.PrecompiledProtos;
  // Through JSON text, as the runtime reads the file.
  const loaded = fromJSON(JSON.parse(JSON.stringify(pre.root)) as typeof pre.root, LOADER_OPTIONS);
  const methods = (def: PackageDefinition, service: string) =>
    def[service] as unknown as Record<string, Method>;

  it('records the installed @dapr/dapr version', async () => {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(`${protoDir()}/../package.json`, 'utf8')) as { version: string };
    expect(pre.daprVersion).toBe(pkg.version);
  });

  it.each(SERVICES)('%s has the same methods, paths and streaming', (service) => {
    const a = methods(parsed, service);
    const b = methods(loaded, service);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    expect(Object.keys(a).length).toBeGreaterThan(0);
    for (const name of Object.keys(a)) {
      const pick = (m: Method) => [m.path, m.requestStream, m.responseStream, m.originalName];
      expect(pick(b[name]), name).toEqual(pick(a[name]));
    }
  });

  it.each(SERVICES)(
    '%s decodes every message to the same object (names, defaults, enums, oneofs)',
    (service) => {
      const a = methods(parsed, service);
      const b = methods(loaded, service);
      for (const name of Object.keys(a)) {
        const empty = Buffer.alloc(0);
        expect(b[name].requestDeserialize(empty), name).toEqual(a[name].requestDeserialize(empty));
        expect(b[name].responseDeserialize(empty), name).toEqual(a[name].responseDeserialize(empty));
      }
    },
  );

  it('encodes a nested request to the same bytes', () => {
    const req = {
      storeName: 'store',
      states: [
        {
          key: 'k',
          value: Buffer.from('{"a":1}'),
          etag: { value: '3' },
          metadata: { ttlInSeconds: '5' },
          options: { concurrency: 'CONCURRENCY_FIRST_WRITE', consistency: 'CONSISTENCY_STRONG' },
        },
      ],
    };
    const a = methods(parsed, 'dapr.proto.runtime.v1.Dapr').SaveState;
    const b = methods(loaded, 'dapr.proto.runtime.v1.Dapr').SaveState;
    const bytes = b.requestSerialize(req);
    expect(bytes.length).toBeGreaterThan(20);
    expect(bytes).toEqual(a.requestSerialize(req));
    expect(b.requestDeserialize(bytes)).toEqual(a.requestDeserialize(bytes));
  });
});
