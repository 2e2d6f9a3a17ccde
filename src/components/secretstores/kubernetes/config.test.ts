import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inClusterConnection, kubeconfigPath, loadKubeconfig, parseKubeconfig } from './config.js';
import { kubeconfigYaml } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'daprts-kubeconfig-'));
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('kubeconfig parsing', () => {
  it('follows current-context to its cluster, user and namespace', () => {
    const text = kubeconfigYaml({
      server: 'https://10.0.0.1:6443/',
      namespace: 'shop',
      cluster: { 'certificate-authority-data': b64('CA PEM'), 'tls-server-name': 'kubernetes' },
      user: { token: 'tok-123' },
    });
    const s = parseKubeconfig(text, '/home/u/.kube/config');
    expect(s.server).toBe('https://10.0.0.1:6443');
    expect(s.caData?.toString()).toBe('CA PEM');
    expect(s.tlsServerName).toBe('kubernetes');
    expect(s.token).toBe('tok-123');
    expect(s.namespace).toBe('shop');
    expect(s.insecureSkipTlsVerify).toBe(false);
  });

  it('reads client certificates inline or as paths relative to the kubeconfig folder', () => {
    const inline = parseKubeconfig(
      kubeconfigYaml({
        server: 'https://h',
        user: { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') },
      }),
      '/k/config',
    );
    expect(inline.certData?.toString()).toBe('CERT');
    expect(inline.keyData?.toString()).toBe('KEY');
    const paths = parseKubeconfig(
      kubeconfigYaml({
        server: 'https://h',
        cluster: { 'certificate-authority': 'pki/ca.crt', 'insecure-skip-tls-verify': true },
        user: { 'client-certificate': '/abs/c.crt', 'client-key': 'k.key', tokenFile: 'tok' },
      }),
      '/k/config',
    );
    expect(paths.caFile).toBe('/k/pki/ca.crt');
    expect(paths.certFile).toBe('/abs/c.crt');
    expect(paths.keyFile).toBe('/k/k.key');
    expect(paths.tokenFile).toBe('/k/tok');
    expect(paths.insecureSkipTlsVerify).toBe(true);
  });

  it('can select another context', () => {
    const s = parseKubeconfig(kubeconfigYaml({ server: 'https://h' }), 'f', 'elsewhere');
    expect(s.server).toBe('https://192.0.2.1:6443');
    expect(s.token).toBe('nope');
  });

  it('names the file and the missing entry', () => {
    const text = kubeconfigYaml({ server: 'https://h' });
    expect(() => parseKubeconfig(text, '/x/config', 'ghost')).toThrow(
      'kubeconfig /x/config: contexts has no entry named "ghost"',
    );
    expect(() => parseKubeconfig(text.replace('current-context: test', ''), 'f')).toThrow(
      /current-context is not set/,
    );
    expect(() => parseKubeconfig(text.replace('name: test-cluster', 'name: renamed'), 'f')).toThrow(
      /clusters has no entry named "test-cluster"/,
    );
    expect(() => parseKubeconfig('a: [', 'f')).toThrow(/kubeconfig f: invalid YAML/);
    expect(() => parseKubeconfig('- 1', 'f')).toThrow(/expected a mapping/);
  });

  it('refuses exec and auth-provider users with a clear message', () => {
    const text = kubeconfigYaml({ server: 'https://h' }).replace(
      '  user:\n\n',
      '  user:\n    exec: {command: aws, apiVersion: client.authentication.k8s.io/v1beta1}\n',
    );
    expect(() => parseKubeconfig(text, 'f')).toThrow(/exec or auth-provider plugin, which is not supported/);
  });

  it('loads referenced files and reports unreadable ones with the kubeconfig path', async () => {
    writeFileSync(join(dir, 'ca.crt'), 'CA FROM FILE');
    const ok = join(dir, 'ok.yaml');
    writeFileSync(
      ok,
      kubeconfigYaml({ server: 'https://h', cluster: { 'certificate-authority': 'ca.crt' } }),
    );
    expect((await loadKubeconfig(ok)).ca?.toString()).toBe('CA FROM FILE');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, kubeconfigYaml({ server: 'https://h', user: { 'client-key': 'missing.key' } }));
    await expect(loadKubeconfig(bad)).rejects.toThrow(
      /kubeconfig .*bad\.yaml: cannot read client-key .*missing\.key/,
    );
    await expect(loadKubeconfig(join(dir, 'absent'))).rejects.toThrow(/absent: cannot read the file/);
  });
});

describe('where the connection comes from', () => {
  it('picks kubeconfigPath, else the first existing KUBECONFIG entry, else ~/.kube/config', () => {
    const existing = join(dir, 'exists.yaml');
    writeFileSync(existing, '');
    expect(kubeconfigPath('/explicit', { KUBECONFIG: existing })).toBe('/explicit');
    expect(kubeconfigPath(undefined, { KUBECONFIG: ['/nope', existing].join(delimiter) })).toBe(existing);
    expect(kubeconfigPath(undefined, { KUBECONFIG: '/nope' })).toBe('/nope');
    expect(kubeconfigPath(undefined, { HOME: '/home/me' })).toBe('/home/me/.kube/config');
  });

  it('in-cluster needs the service env and a token; reads ca.crt and namespace', async () => {
    const sa = join(dir, 'sa');
    mkdirSync(sa);
    const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    expect(await inClusterConnection({}, sa)).toBeUndefined();
    expect(await inClusterConnection(env, sa)).toBeUndefined(); // no token yet
    writeFileSync(join(sa, 'token'), 'sa-token\n');
    writeFileSync(join(sa, 'ca.crt'), 'CLUSTER CA');
    writeFileSync(join(sa, 'namespace'), 'shop\n');
    const conn = await inClusterConnection(env, sa);
    expect(conn).toMatchObject({ server: 'https://10.96.0.1:443', namespace: 'shop', source: 'in-cluster' });
    expect(conn?.ca?.toString()).toBe('CLUSTER CA');
    expect(conn?.tokenFile).toBe(join(sa, 'token'));
    const v6 = await inClusterConnection({ ...env, KUBERNETES_SERVICE_HOST: 'fd00::1' }, sa);
    expect(v6?.server).toBe('https://[fd00::1]:443');
  });
});
