import { describe, expect, it } from 'vitest';
import { StateEncryption } from './encryption.js';

const K128 = 'cb321007ad11a9d23f963bff600d58e0';
const K256 = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

const ref = (field: string, name: string) => ({ name: field, secretKeyRef: { name } });

function encryption(primary: [string, string], secondary?: [string, string]): StateEncryption {
  const entries = [ref('primaryEncryptionKey', primary[0])];
  const resolved: Record<string, string> = { primaryEncryptionKey: primary[1] };
  if (secondary) {
    entries.push(ref('secondaryEncryptionKey', secondary[0]));
    resolved.secondaryEncryptionKey = secondary[1];
  }
  return StateEncryption.fromMetadata(entries, resolved)!;
}

describe('StateEncryption', () => {
  it('is off without a primaryEncryptionKey', () => {
    expect(StateEncryption.fromMetadata([{ name: 'connectionString' }], {})).toBeUndefined();
  });

  it('round-trips with a fresh nonce per value, tagged with the secret name', () => {
    const e = encryption(['mysecret', K128]);
    const a = e.encrypt(Buffer.from('"v"'));
    expect(a.toString()).toMatch(/^[A-Za-z0-9+/]+=*\|\|mysecret$/);
    expect(e.encrypt(Buffer.from('"v"')).equals(a)).toBe(false);
    expect(e.decrypt(a, 's').toString()).toBe('"v"');
  });

  it('reads values of the secondary key and refuses unknown or tampered ones', () => {
    const old = encryption(['old', K128]).encrypt(Buffer.from('1'));
    expect(encryption(['new', K256], ['old', K128]).decrypt(old, 's').toString()).toBe('1');
    expect(() => encryption(['new', K256]).decrypt(old, 's')).toThrow('no encryption key old');
    expect(() => encryption(['old', K128]).decrypt(Buffer.from('plain'), 's')).toThrow(
      'could not decrypt data for state store s: encryption key name not found on record',
    );
    const tampered = Buffer.from(old);
    tampered[2] = tampered[2] === 65 ? 66 : 65;
    expect(() => encryption(['old', K128]).decrypt(tampered, 's')).toThrow('message authentication failed');
  });

  it('stops start-up on a plain value, an empty key or one that is not a hex AES key', () => {
    expect(() => StateEncryption.fromMetadata([{ name: 'primaryEncryptionKey' }], {})).toThrow(
      'must be a secretKeyRef',
    );
    expect(() => encryption(['s', ''])).toThrow('cannot be empty');
    expect(() => encryption(['s', 'zz'])).toThrow('hex-encoded');
    expect(() => encryption(['s', 'abcd'])).toThrow('invalid AES key size 2');
  });
});
