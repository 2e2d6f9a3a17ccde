import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import type { ComponentContext } from '../../../component.js';
import { ComponentMetadataError, md, parseComponentMetadata } from '../../../common/metadata.js';
import {
  SecretStoreFeature,
  setOwn,
  type BulkSecretData,
  type SecretData,
  type SecretStore,
} from '../../interface.js';
import { flattenSecrets, type StoredSecret } from './flatten.js';
import { isJsonObject } from '../../../common/json-object.js';

const schema = z.object({
  secretsFile: md.string().default(''),
  nestedSeparator: md.string().default(''),
  multiValued: md.bool().default(false),
});

/**
 * `secretstores.local.file` (components-contrib secretstores/local/file): secrets from a JSON file
 * read once at init (`secretsFile`, relative to the working directory). Flattening rules in
 * `flatten.ts`. An unknown secret name is an error (the API answers 500 ERR_SECRET_GET).
 */
export class LocalFileSecretStore implements SecretStore {
  private secrets = new Map<string, StoredSecret>();
  private multiValued = false;

  constructor(private readonly ctx: Pick<ComponentContext, 'name' | 'metadata' | 'logger'>) {}

  async init(): Promise<void> {
    const meta = parseComponentMetadata(this.ctx.name, schema, this.ctx.metadata);
    if (meta.secretsFile === '')
      throw new ComponentMetadataError(
        this.ctx.name,
        'secretsFile',
        'missing local secrets file in metadata',
      );
    let text: string;
    try {
      text = await readFile(meta.secretsFile, 'utf8');
    } catch (err) {
      throw new Error(`cannot read secretsFile ${meta.secretsFile}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      // The parser's message quotes file content (secret values): only its position is kept, and
      // the original error is deliberately not attached.
      const at = /position \d+/.exec((err as Error).message)?.[0];
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`secretsFile ${meta.secretsFile} is not valid JSON${at ? ` (at ${at})` : ''}`);
    }
    if (!isJsonObject(doc)) throw new Error(`secretsFile ${meta.secretsFile} must hold a JSON object`);
    this.multiValued = meta.multiValued;
    const flat = flattenSecrets(doc, {
      separator: meta.nestedSeparator || ':',
      multiValued: meta.multiValued,
    });
    this.secrets = flat.secrets;
    if (flat.duplicates.length > 0)
      this.ctx.logger.warn(
        { keys: flat.duplicates },
        'secretsFile defines these keys twice; the first value is kept',
      );
    if (flat.skipped.length > 0)
      this.ctx.logger.warn(
        { keys: flat.skipped },
        'multiValued secretsFile: top-level values that are neither strings nor objects are ignored',
      );
  }

  async close(): Promise<void> {
    this.secrets.clear();
  }

  features(): readonly SecretStoreFeature[] {
    return this.multiValued ? [SecretStoreFeature.MULTIPLE_KEY_VALUES_PER_SECRET] : [];
  }

  async getSecret(name: string): Promise<SecretData> {
    const v = this.secrets.get(name);
    if (v === undefined) throw new Error(`secret ${name} not found`);
    return asData(name, v);
  }

  async bulkGetSecret(): Promise<BulkSecretData> {
    const out: BulkSecretData = {};
    for (const [name, v] of this.secrets) setOwn(out, name, asData(name, v));
    return out;
  }
}

function asData(name: string, v: StoredSecret): SecretData {
  return typeof v === 'string' ? { [name]: v } : { ...v };
}
