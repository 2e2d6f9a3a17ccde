import { createDecipheriv } from 'node:crypto';
import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import {
  bulkGet,
  expectDaprError,
  expectNoContent,
  expectValue,
  getState,
  postJson,
  saveState,
  transact,
  upsertOp,
} from '../../helpers/dapr-http.js';
import { tempPgSchema, type TempPgSchema } from '../../helpers/postgres.js';
import { componentYaml, startExpectingExit, type MetadataEntry } from '../../helpers/resources.js';
import { localFileStoreYaml, secretFiles } from '../../helpers/secrets.js';

// "How-To: Encrypt application state": keys are hex-encoded AES keys kept in a secret store.
const KEY_A = 'cb321007ad11a9d23f963bff600d58e0';
const KEY_B = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

/** The docs' state store: `primaryEncryptionKey` (and optionally `secondaryEncryptionKey`) as secretKeyRefs. */
function encryptedStore(db: TempPgSchema, keys: MetadataEntry[]): string {
  return (
    componentYaml({
      name: 'statestore',
      type: 'state.postgresql',
      metadata: [
        { name: 'connectionString', value: db.url('').toString() },
        { name: 'tableName', value: 'state' },
        ...keys,
      ],
    }) + 'auth:\n  secretStore: localsecretstore\n'
  );
}

/** The value column of a row, decoded as a binary value (daprd's postgres v1 layout). */
async function storedValue(db: TempPgSchema, key: string): Promise<string> {
  const r = await db.admin.query<{ value: string; isbinary: boolean }>(
    `SELECT value, isbinary FROM ${db.schema}.state WHERE key = $1`,
    [key],
  );
  expect(r.rows[0]?.isbinary).toBe(true);
  return Buffer.from(r.rows[0]!.value, 'base64').toString('utf8');
}

/** Opens a stored value as daprd's pkg/encryption writes it: base64(nonce ‖ ciphertext ‖ tag) + "||" + secret name. */
function openValue(stored: string, hexKey: string): { plain: string; keyName: string } {
  const at = stored.lastIndexOf('||');
  const sealed = Buffer.from(stored.slice(0, at), 'base64');
  const key = Buffer.from(hexKey, 'hex');
  const d = createDecipheriv(`aes-${key.length * 8}-gcm` as 'aes-128-gcm', key, sealed.subarray(0, 12));
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  const plain = Buffer.concat([d.update(sealed.subarray(12, -16)), d.final()]).toString('utf8');
  return { plain, keyName: stored.slice(at + 2) };
}

it('a state store with primaryEncryptionKey keeps values encrypted at rest and answers them decrypted', async () => {
  await using db = await tempPgSchema('it_enc');
  using files = secretFiles({ mysecret: { mykey: KEY_A } });
  await using p = await DaprtsProcess.start({
    appId: 'encapp',
    resources: {
      'secrets.yaml': localFileStoreYaml('localsecretstore', files.secretsFile, { multiValued: true }),
      'state.yaml': encryptedStore(db, [
        { name: 'primaryEncryptionKey', secretKeyRef: { name: 'mysecret', key: 'mykey' } },
      ]),
    },
  });

  await expectNoContent(await saveState(p, [{ key: 'order', value: { card: '4111-1111' } }]));
  expect(JSON.parse(await expectValue(await getState(p, 'order')))).toEqual({ card: '4111-1111' });
  const bulk = JSON.parse(await expectValue(await bulkGet(p, { keys: ['order', 'missing'] })));
  expect(bulk).toEqual([
    { key: 'order', data: { card: '4111-1111' }, etag: expect.any(String) },
    { key: 'missing' },
  ]);
  await expectNoContent(await transact(p, [upsertOp('tx', 'from a transaction')]));
  expect(await expectValue(await getState(p, 'tx'))).toBe('"from a transaction"');

  // At rest: AES-GCM under the secret's key, tagged with the secret's name, nothing in clear.
  const stored = await storedValue(db, 'encapp||order');
  expect(stored).not.toContain('4111');
  expect(openValue(stored, KEY_A)).toEqual({ plain: '{"card":"4111-1111"}', keyName: 'mysecret' });

  // The store cannot filter what it cannot read: the Query API refuses, as daprd does.
  const q = await expectDaprError(
    await postJson(p, '/v1.0-alpha1/state/statestore/query', { filter: {} }),
    500,
    'ERR_STATE_QUERY',
  );
  expect(q.message).toBe('state store statestore query failed: cannot query encrypted store');
});

it('rotating keys: values written with the old key still read once it is the secondaryEncryptionKey', async () => {
  await using db = await tempPgSchema('it_encrot');
  using files = secretFiles({ oldkey: { k: KEY_A }, newkey: { k: KEY_B } });
  const secrets = localFileStoreYaml('localsecretstore', files.secretsFile, { multiValued: true });
  const before = await DaprtsProcess.start({
    appId: 'encapp',
    resources: {
      'secrets.yaml': secrets,
      'state.yaml': encryptedStore(db, [
        { name: 'primaryEncryptionKey', secretKeyRef: { name: 'oldkey', key: 'k' } },
      ]),
    },
  });
  await expectNoContent(await saveState(before, [{ key: 'old', value: 'written before' }]));
  await before[Symbol.asyncDispose]();

  await using after = await DaprtsProcess.start({
    appId: 'encapp',
    resources: {
      'secrets.yaml': secrets,
      'state.yaml': encryptedStore(db, [
        { name: 'primaryEncryptionKey', secretKeyRef: { name: 'newkey', key: 'k' } },
        { name: 'secondaryEncryptionKey', secretKeyRef: { name: 'oldkey', key: 'k' } },
      ]),
    },
  });
  expect(await expectValue(await getState(after, 'old'))).toBe('"written before"');
  await expectNoContent(await saveState(after, [{ key: 'old', value: 'written after' }]));
  expect(openValue(await storedValue(db, 'encapp||old'), KEY_B)).toEqual({
    plain: '"written after"',
    keyName: 'newkey',
  });
});

it('an encryption key that is not a valid hex AES key stops start-up', async () => {
  await using db = await tempPgSchema('it_encbad');
  using files = secretFiles({ mysecret: { mykey: 'not-hex' } });
  const { code, output } = await startExpectingExit({
    resources: {
      'secrets.yaml': localFileStoreYaml('localsecretstore', files.secretsFile, { multiValued: true }),
      'state.yaml': encryptedStore(db, [
        { name: 'primaryEncryptionKey', secretKeyRef: { name: 'mysecret', key: 'mykey' } },
      ]),
    },
  });
  expect(code).not.toBe(0);
  expect(output).toContain('primaryEncryptionKey');
});
