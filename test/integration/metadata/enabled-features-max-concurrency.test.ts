import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { expectValue, startWithStateStore } from '../../helpers/dapr-http.js';

const configYaml = `apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata:
  name: featureconfig
spec:
  features:
  - name: HotReload
    enabled: true
  - name: SchedulerReminders
    enabled: false
`;

it('GET /v1.0/metadata lists the features the Configuration enables and the app max concurrency', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'daprts-features-'));
  try {
    writeFileSync(join(dir, 'config.yaml'), configYaml);
    await using p = await startWithStateStore({
      args: ['--config', join(dir, 'config.yaml'), '--app-max-concurrency', '3'],
    });
    const md = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as {
      enabledFeatures?: string[];
      appConnectionProperties?: Record<string, unknown>;
    };
    expect(md.enabledFeatures).toEqual(['HotReload']);
    expect(md.appConnectionProperties).toEqual({
      protocol: 'http',
      channelAddress: '127.0.0.1',
      maxConcurrency: 3,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
