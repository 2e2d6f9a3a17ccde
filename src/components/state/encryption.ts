import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The component metadata names daprd reads the keys from (exact case). */
export const PRIMARY_KEY_FIELD = 'primaryEncryptionKey';
export const SECONDARY_KEY_FIELD = 'secondaryEncryptionKey';

const SEPARATOR = '||';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** One key: the name of the secret it came from (written after each value) and the AES key. */
interface NamedKey {
  name: string;
  key: Buffer;
}

/**
 * Automatic state encryption as daprd does it (pkg/encryption, "How-To: Encrypt application state"):
 * AES-GCM with a hex-encoded 128/192/256-bit key read from a secret. A stored value is
 * `base64(nonce ‖ ciphertext ‖ tag) + "||" + <secret name>`, so that either runtime decrypts what the
 * other wrote, and a value written with the old key still reads after a rotation (secondary key).
 * What is encrypted is the value's bytes as the store would keep them, as daprd's gRPC API does
 * (daprd's HTTP API encrypts Go's `%v` rendering instead, e.g. `map[a:1]`, so that it reads back
 * changed: a daprd bug not reproduced).
 */
export class StateEncryption {
  private constructor(
    private readonly primary: NamedKey,
    private readonly secondary?: NamedKey,
  ) {}

  /**
   * The encryption of a state store, or undefined when its metadata names no primary key.
   * `entries` are the component's `spec.metadata` (to know which secret a key came from), `resolved`
   * their values after `secretKeyRef` resolution. A key that is not a secret, empty or not a valid
   * AES key stops start-up, as in daprd.
   */
  static fromMetadata(
    entries: readonly { name: string; secretKeyRef?: { name: string } }[],
    resolved: Record<string, string>,
  ): StateEncryption | undefined {
    const keyOf = (field: string): NamedKey | undefined => {
      const entry = entries.find((e) => e.name === field);
      if (!entry) return undefined;
      if (!entry.secretKeyRef)
        throw new Error(`${field} must be a secretKeyRef: encryption keys are never given as plain values`);
      return { name: entry.secretKeyRef.name, key: aesKey(field, resolved[field] ?? '') };
    };
    const primary = keyOf(PRIMARY_KEY_FIELD);
    const secondary = keyOf(SECONDARY_KEY_FIELD);
    return primary ? new StateEncryption(primary, secondary) : undefined;
  }

  /** The value as stored: encrypted with the primary key, tagged with its name. */
  encrypt(value: Buffer): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv(algorithm(this.primary.key), this.primary.key, nonce);
    const sealed = Buffer.concat([nonce, cipher.update(value), cipher.final(), cipher.getAuthTag()]);
    return Buffer.from(sealed.toString('base64') + SEPARATOR + this.primary.name);
  }

  /** The plain value of a stored one; an error when it was not encrypted with a known key. */
  decrypt(stored: Buffer, storeName: string): Buffer {
    if (stored.length === 0) return stored;
    const at = stored.lastIndexOf(SEPARATOR);
    const name = at < 0 ? '' : stored.subarray(at + SEPARATOR.length).toString('utf8');
    if (name === '')
      throw new Error(
        `could not decrypt data for state store ${storeName}: encryption key name not found on record`,
      );
    const k = [this.primary, this.secondary].find((c) => c?.name === name);
    if (!k) throw new Error(`could not decrypt data for state store ${storeName}: no encryption key ${name}`);
    const sealed = Buffer.from(stored.subarray(0, at).toString('utf8'), 'base64');
    if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new Error('cipher: message authentication failed');
    const decipher = createDecipheriv(algorithm(k.key), k.key, sealed.subarray(0, NONCE_BYTES));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, -TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error('cipher: message authentication failed');
    }
  }
}

function aesKey(field: string, hex: string): Buffer {
  if (hex === '') throw new Error(`${field}: encryption key cannot be empty`);
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) throw new Error(`${field}: the encryption key must be hex-encoded`);
  const key = Buffer.from(hex, 'hex');
  if (![16, 24, 32].includes(key.length))
    throw new Error(`${field}: invalid AES key size ${key.length} (16, 24 or 32 bytes)`);
  return key;
}

function algorithm(key: Buffer): 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' {
  return `aes-${key.length * 8}-gcm` as 'aes-128-gcm';
}
