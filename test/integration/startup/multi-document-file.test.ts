import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent, expectValue, saveState } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';

it('one YAML file with several documents separated by --- loads every component', async () => {
  const file = [
    '---',
    componentYaml({ name: 'store-a' }),
    '---',
    componentYaml({ name: 'store-b' }),
    '---',
    '',
  ].join('\n');
  await using p = await DaprtsProcess.start({ resources: { 'components.yaml': file } });

  const md = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as {
    components: { name: string }[];
  };
  expect(md.components.map((c) => c.name).sort()).toEqual(['store-a', 'store-b']);
  await expectNoContent(await saveState(p, [{ key: 'k', value: 1 }], { store: 'store-a' }));
  await expectNoContent(await saveState(p, [{ key: 'k', value: 2 }], { store: 'store-b' }));
  expect(await expectValue(await p.fetch('/v1.0/state/store-a/k'))).toBe('1');
  expect(await expectValue(await p.fetch('/v1.0/state/store-b/k'))).toBe('2');
});
