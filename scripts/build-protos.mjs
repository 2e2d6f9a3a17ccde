// Part of `npm run build` (after tsc): parses the Dapr `.proto` files of the installed @dapr/dapr
// once, the way @grpc/proto-loader's loadSync does, and writes them as protobufjs JSON beside the
// built protos module, so the runtime loads them with proto-loader's fromJSON instead of parsing.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const protosModule = new URL('../dist/api/grpc/protos.js', import.meta.url);

/**
 * The parsed protos as `{ daprVersion, root }` (see `PrecompiledProtos` in src/api/grpc/protos.ts).
 * `protos` is that module (default: the built one; the unit test passes the source).
 */
export async function buildPrecompiledProtos(protos) {
  const { LOADER_OPTIONS, PROTO_FILES, protoDir } = protos ?? (await import(protosModule.href));
  // protobufjs as proto-loader itself resolves it, so both parse with the same version.
  const fromLoader = createRequire(createRequire(import.meta.url).resolve('@grpc/proto-loader'));
  const protobuf = fromLoader('protobufjs');
  const dir = protoDir();
  const root = new protobuf.Root();
  // proto-loader's `includeDirs` resolution, with the one include directory it is given.
  const fallback = root.resolvePath;
  root.resolvePath = (origin, target) =>
    isAbsolute(target)
      ? target
      : existsSync(join(dir, target))
        ? join(dir, target)
        : fallback(origin, target);
  root.loadSync(PROTO_FILES, LOADER_OPTIONS);
  root.resolveAll();
  const daprVersion = JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8')).version;
  return { daprVersion, root: root.toJSON({ keepComments: false }) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { PRECOMPILED_FILE } = await import(protosModule.href);
  const out = fileURLToPath(new URL(PRECOMPILED_FILE, protosModule));
  writeFileSync(out, JSON.stringify(await buildPrecompiledProtos()));
  console.log(`build-protos: wrote ${out}`);
}
