import { expect, it } from 'vitest';
import { DaprtsProcess, freePort } from '../../helpers/daprts-process.js';
import { expectDaprError, expectNoContent, expectValue, saveState } from '../../helpers/dapr-http.js';
import { componentYaml, isRegistered } from '../../helpers/resources.js';
import { sampleValue, scrape } from '../observability/helpers.js';

it.skipIf(!isRegistered('state.redis'))(
  'with ignoreErrors: true a failing component is skipped and the runtime starts without it',
  async () => {
    const metricsPort = await freePort();
    await using p = await DaprtsProcess.start({
      args: ['--metrics-port', String(metricsPort)],
      resources: {
        'ok.yaml': componentYaml({ name: 'ok' }),
        'redis.yaml': componentYaml({
          name: 'unreachable',
          type: 'state.redis',
          ignoreErrors: true,
          metadata: [{ name: 'redisHost', value: '127.0.0.1:1' }],
        }),
      },
    });

    await expectNoContent(await p.fetch('/v1.0/healthz'));
    const md = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as {
      components: { name: string }[];
    };
    expect(md.components.map((c) => c.name)).toEqual(['ok']);
    await expectDaprError(
      await saveState(p, [{ key: 'k', value: 1 }], { store: 'unreachable' }),
      400,
      'ERR_STATE_STORE_NOT_FOUND',
    );
    await expectNoContent(await saveState(p, [{ key: 'k', value: 1 }], { store: 'ok' }));
    // The failure is counted as daprd counts it (dapr_runtime_component_init_fail_total).
    const { samples } = await scrape(metricsPort);
    expect(
      sampleValue(samples, 'dapr_runtime_component_init_fail_total', {
        component: 'state.redis',
        componentName: 'unreachable',
        reason: 'init',
      }),
    ).toBe(1);
  },
);
