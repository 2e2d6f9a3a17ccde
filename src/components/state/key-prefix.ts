import { getMetadataValue } from '../common/metadata.js';

/** The separator daprd puts between the key prefix and the key; reserved in keys. */
export const KEY_SEPARATOR = '||';

/**
 * Builds the runtime-level key prefix of a state store from its `keyPrefix` metadata:
 * `appid` (default), `name`, `namespace`, `none`, or a custom prefix (lower-cased, as daprd does).
 * Returns the text placed before `||`, or '' for no prefix.
 */
export function resolveKeyPrefix(opts: {
  metadata: Record<string, string>;
  appId: string;
  componentName: string;
  namespace: string;
}): string {
  const raw = getMetadataValue(opts.metadata, 'keyPrefix') ?? 'appid';
  const strategy = raw.toLowerCase();
  switch (strategy) {
    case '':
    case 'appid':
      return opts.appId;
    case 'name':
      return opts.componentName;
    case 'namespace':
      return opts.namespace ? `${opts.namespace}.${opts.appId}` : opts.appId;
    case 'none':
      return '';
    default:
      if (strategy.includes(KEY_SEPARATOR))
        throw new Error(`keyPrefix '${raw}' can't contain '${KEY_SEPARATOR}'`);
      return strategy;
  }
}

export function prefixKey(prefix: string, key: string): string {
  return prefix === '' ? key : prefix + KEY_SEPARATOR + key;
}

/** The key without its prefix: the text after the first `||` (daprd's rule). */
export function unprefixKey(stored: string): string {
  const i = stored.indexOf(KEY_SEPARATOR);
  return i < 0 ? stored : stored.slice(i + KEY_SEPARATOR.length);
}
