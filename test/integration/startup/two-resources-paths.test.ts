import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent, expectValue, saveState } from '../../helpers/dapr-http.js';
import { componentYaml, resourceDir } from '../../helpers/resources.js';

it('two --resources-path folders are both loaded; files that are not YAML and subfolders are ignored', async () => {
  using second = resourceDir({
    'second.yml': componentYaml({ name: 'second' }),
    'notes.txt': 'apiVersion: this is not loaded',
  });
  await using p = await DaprtsProcess.start({
    resources: { 'first.yaml': componentYaml({ name: 'first' }) },
    args: ['--resources-path', second.dir],
  });

  const md = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as {
    components: { name: string }[];
  };
  expect(md.components.map((c) => c.name).sort()).toEqual(['first', 'second']);
  await expectNoContent(await saveState(p, [{ key: 'k', value: 'x' }], { store: 'second' }));
  expect(await expectValue(await p.fetch('/v1.0/state/second/k'))).toBe('"x"');
});
