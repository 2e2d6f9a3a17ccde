import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Logger } from '../diagnostics/logger.js';
import { canonicalizeKeys } from './case-insensitive.js';
import { componentSchema, type ComponentResource } from './component-schema.js';
import { ResourceError } from './errors.js';

/** A YAML document from a resources folder, with where it came from. */
export interface RawResource {
  file: string;
  kind: string;
  name: string;
  doc: Record<string, unknown>;
}

export interface LoadedComponent {
  file: string;
  resource: ComponentResource;
}

export interface LoadedResources {
  components: LoadedComponent[];
  /** Other kinds (Subscription, Resiliency, Configuration, HTTPEndpoint...) for their own loaders. */
  others: RawResource[];
}

export interface LoadOptions {
  paths: string[];
  appId: string;
  /** The `NAMESPACE` the runtime runs in; documents of other namespaces are skipped when set. */
  namespace?: string;
  logger: Logger;
}

/**
 * Reads every `*.yaml`/`*.yml` directly in each folder (subfolders ignored, like daprd), splits
 * multi-document files, validates Components, applies namespace and `scopes` filtering, and
 * rejects duplicate names of one kind (Resiliency excepted, as in daprd). Any invalid document fails the whole load with an error that
 * names the file, the resource and the field: the runtime never starts half-configured.
 */
export async function loadResources(opts: LoadOptions): Promise<LoadedResources> {
  const raw: RawResource[] = [];
  for (const dir of opts.paths) raw.push(...(await readFolder(dir, opts.logger)));

  const components: LoadedComponent[] = [];
  const others: RawResource[] = [];
  const seen = new Map<string, string>();
  for (const r of raw) {
    const ns = (r.doc.metadata as { namespace?: string } | undefined)?.namespace;
    if (opts.namespace && ns && ns !== opts.namespace) continue;
    const scopes = r.doc.scopes;
    if (Array.isArray(scopes) && scopes.length > 0 && !scopes.includes(opts.appId)) {
      opts.logger.debug(
        { kind: r.kind, name: r.name, file: r.file },
        'resource is scoped to other apps; skipped',
      );
      continue;
    }
    const dupKey = `${r.kind}/${r.name}`;
    const prev = seen.get(dupKey);
    // daprd reads Resiliency documents apart from the others and never compares their names.
    if (prev && r.kind !== 'Resiliency')
      throw new ResourceError(
        r.file,
        `${r.kind} "${r.name}"`,
        'metadata.name',
        `duplicate name (also defined in ${prev})`,
      );
    seen.set(dupKey, r.file);
    if (r.kind === 'Component') components.push({ file: r.file, resource: validateComponent(r) });
    else others.push(r);
  }
  return { components, others };
}

async function readFolder(dir: string, logger: Logger): Promise<RawResource[]> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
  } catch (err) {
    throw new ResourceError(dir, 'resources path', '', `cannot read folder: ${(err as Error).message}`);
  }
  const out: RawResource[] = [];
  for (const name of entries) {
    const ext = extname(name).toLowerCase();
    if (ext !== '.yaml' && ext !== '.yml') {
      logger.warn(
        { file: join(dir, name) },
        'ignoring a file that is not .yaml or .yml in the resources path',
      );
      continue;
    }
    out.push(...parseFile(join(dir, name), await readFile(join(dir, name), 'utf8')));
  }
  return out;
}

/** Splits a file into its documents; empty documents are ignored. Exported for tests. */
export function parseFile(file: string, text: string): RawResource[] {
  const out: RawResource[] = [];
  parseAllDocuments(text).forEach((d, i) => {
    if ('errors' in d && d.errors.length > 0) {
      throw new ResourceError(file, `document ${i + 1}`, '', `invalid YAML: ${d.errors[0].message}`);
    }
    const js = d.toJS() as unknown;
    if (js === null || js === undefined) return;
    if (typeof js !== 'object' || Array.isArray(js))
      throw new ResourceError(file, `document ${i + 1}`, '', 'expected a mapping');
    const doc = canonicalizeKeys(js) as Record<string, unknown>;
    const kind = typeof doc.kind === 'string' ? doc.kind : '';
    const name = String((doc.metadata as { name?: unknown } | undefined)?.name ?? '');
    if (!kind)
      throw new ResourceError(
        file,
        `document ${i + 1}${name ? ` "${name}"` : ''}`,
        'kind',
        'kind is required',
      );
    out.push({ file, kind, name, doc });
  });
  return out;
}

function validateComponent(r: RawResource): ComponentResource {
  const parsed = componentSchema.safeParse(r.doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : p))
      .join('.')
      .replace(/\.\[/g, '[');
    throw new ResourceError(r.file, `Component "${r.name || '(unnamed)'}"`, field, issue.message);
  }
  return parsed.data;
}
