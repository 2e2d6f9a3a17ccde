import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComponentContext } from '../../../src/components/component.js';
import type { StateStore } from '../../../src/components/state/interface.js';
import { findStateStoreFactory } from '../../../src/components/state/registry.js';
import { silentLogger } from '../../../src/diagnostics/logger.js';
import { bulkCases } from './cases/bulk.js';
import { crudCases } from './cases/crud.js';
import { etagCases } from './cases/etag.js';
import { featureCases } from './cases/features.js';
import { firstWriteCases } from './cases/first-write.js';
import { keyCases } from './cases/keys.js';
import { transactionCases } from './cases/transactions.js';
import { ttlCases } from './cases/ttl.js';
import { queryCases } from './cases/query.js';
import { runId, stateComponents } from './components.js';
import type { CaseGroup, StateComponentConfig, Suite } from './harness.js';

/**
 * State store conformance (components-contrib tests/conformance/state in intent): every component of
 * components.ts, created through the registry, against the real servers, through the same cases.
 */

const groups: CaseGroup[] = [
  featureCases,
  crudCases,
  keyCases,
  bulkCases,
  etagCases,
  firstWriteCases,
  transactionCases,
  ttlCases,
  queryCases,
];

function makeSuite(
  config: StateComponentConfig,
): Suite & { open(): Promise<void>; dispose(): Promise<void> } {
  let store: StateStore | undefined;
  let dataDir: string | undefined;
  let n = 0;
  return {
    config,
    get store(): StateStore {
      if (!store) throw new Error(`${config.name} is not initialised (see the init case for why)`);
      return store;
    },
    key: (label) => `${config.keyPrefix}||${label}-${++n}`,
    claims: (op) => config.operations.includes(op),
    async open() {
      dataDir = mkdtempSync(join(tmpdir(), `daprts-conf-data-${runId}-`));
      const ctx: ComponentContext = {
        name: `conf-${config.name}`,
        type: config.type,
        version: config.version,
        metadata: { ...config.metadata },
        appId: 'conformance',
        namespace: '',
        logger: silentLogger(),
        dataDir,
        now: Date.now,
      };
      const created = await findStateStoreFactory(config.type, config.version)(ctx);
      await created.init();
      store = created;
    },
    async dispose() {
      try {
        await store?.close();
      } finally {
        store = undefined;
        try {
          await config.cleanup?.();
        } finally {
          if (dataDir) rmSync(dataDir, { recursive: true, force: true });
        }
      }
    },
  };
}

describe.each(stateComponents().map((c) => [c.name, c] as const))(
  'state conformance: %s',
  (_name, config) => {
    const suite = makeSuite(config);
    let initError: unknown;

    beforeAll(async () => {
      try {
        await suite.open();
      } catch (err) {
        // Reported by the `init` case below; every other case then fails on `suite.store`.
        initError = err;
      }
    });
    afterAll(() => suite.dispose());

    it(`is registered as ${config.type} ${config.version} and initialises`, () => {
      expect(() => findStateStoreFactory(config.type, config.version)).not.toThrow();
      if (initError) throw initError;
    });

    for (const group of groups) group(suite);
  },
);
