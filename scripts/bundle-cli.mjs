// Last step of `npm run build`: bundles the CLI (dist/cli/main.js, as tsc wrote it) into
// dist/cli/main.js plus dist/cli/chunks/*.js with esbuild. Start-up was dominated by Node's module
// loader resolving, reading and linking ~700 files of dependencies; the bundle loads a few dozen.
// Code behind a dynamic import (each component, tracing, prom-client, the gRPC API) stays in its
// own chunk, loaded only when used, as before. The library entry (dist/index.js) is not bundled.

import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const cli = fileURLToPath(new URL('../dist/cli/', import.meta.url));
const chunks = join(cli, 'chunks');

/**
 * `await import('some-package')` stays a run-time import of the installed package. esbuild gives a
 * dynamically imported CommonJS package only a default export across chunks, where Node gives its
 * named exports too; these are the lazily loaded ones anyway (prom-client, the OpenTelemetry
 * exporters, undici for the app channel), loaded from node_modules as without the bundle.
 */
function dynamicPackageImportsExternal() {
  return {
    name: 'dynamic-package-imports-external',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) =>
        args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
      );
    },
  };
}

const result = await build({
  entryPoints: { main: join(cli, 'main.js') },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: cli,
  chunkNames: 'chunks/[name]-[hash]',
  // Native addons load their .node file relative to their package; the Kafka client is optional
  // and imported by name at run time; pino-pretty is a dev dependency.
  external: ['better-sqlite3', '@confluentinc/kafka-javascript', 'pino-pretty'],
  // CommonJS dependencies call require(); ESM output has none of its own.
  banner: {
    js: "import { createRequire as __daprtsRequire } from 'node:module'; const require = __daprtsRequire(import.meta.url);",
  },
  plugins: [dynamicPackageImportsExternal()],
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
});

rmSync(chunks, { recursive: true, force: true });
for (const f of result.outputFiles) {
  mkdirSync(dirname(f.path), { recursive: true });
  writeFileSync(f.path, f.contents, { mode: f.path === join(cli, 'main.js') ? 0o755 : 0o644 });
}
// The protos module finds the build's precompiled JSON beside itself, which is now a chunk.
copyFileSync(
  fileURLToPath(new URL('../dist/api/grpc/dapr-protos.json', import.meta.url)),
  join(chunks, 'dapr-protos.json'),
);
console.log(`bundle-cli: dist/cli/main.js + ${readdirSync(chunks).length - 1} chunks`);
