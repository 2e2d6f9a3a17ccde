import type { ComponentContext } from '../../../component.js';
import { md, parseComponentMetadata } from '../../../common/metadata.js';
import * as z from 'zod';
import {
  isReservedEnvName,
  setOwn,
  type BulkSecretData,
  type SecretData,
  type SecretStore,
} from '../../interface.js';

const schema = z.object({ prefix: md.string().default('') });

/**
 * `secretstores.local.env` (components-contrib secretstores/local/env): each environment variable
 * is a single-value secret. `prefix` is put before the name on lookup and stripped in bulk. An
 * unset variable answers an empty string (200), as daprd does; `DAPR_*` and `APP_API_TOKEN` are
 * never exposed (empty on get, left out of bulk).
 */
export class EnvSecretStore implements SecretStore {
  private prefix = '';
  private readonly env: NodeJS.ProcessEnv;
  private readonly windows: boolean;

  constructor(
    private readonly ctx: Pick<ComponentContext, 'name' | 'metadata' | 'logger' | 'env'>,
    platform: NodeJS.Platform = process.platform,
  ) {
    this.env = ctx.env ?? process.env;
    this.windows = platform === 'win32';
  }

  async init(): Promise<void> {
    this.prefix = parseComponentMetadata(this.ctx.name, schema, this.ctx.metadata).prefix;
  }

  async close(): Promise<void> {}

  features() {
    return [] as const;
  }

  async getSecret(name: string): Promise<SecretData> {
    const full = this.prefix + name;
    let value = '';
    if (isReservedEnvName(full)) this.ctx.logger.warn(`Access to env var ${name} is forbidden`);
    else value = this.lookup(full) ?? '';
    return { [name]: value };
  }

  async bulkGetSecret(): Promise<BulkSecretData> {
    const out: BulkSecretData = {};
    // Like the OS: prefix matching is case-insensitive on Windows only.
    const prefix = this.windows ? this.prefix.toUpperCase() : this.prefix;
    const lp = prefix.length;
    for (const [key, value] of Object.entries(this.env)) {
      if (value === undefined) continue;
      if (lp > 0) {
        if (key.length <= lp) continue;
        const head = this.windows ? key.slice(0, lp).toUpperCase() : key.slice(0, lp);
        if (head !== prefix) continue;
      }
      if (isReservedEnvName(key)) continue;
      const name = key.slice(lp);
      setOwn(out, name, { [name]: value });
    }
    return out;
  }

  private lookup(name: string): string | undefined {
    // Own variables only: names such as `constructor` must not reach Object.prototype.
    if (!this.windows) return Object.hasOwn(this.env, name) ? this.env[name] : undefined;
    const upper = name.toUpperCase();
    for (const [k, v] of Object.entries(this.env)) if (k.toUpperCase() === upper) return v;
    return undefined;
  }
}
