import type { ComponentContext } from './component.js';

export interface Registration<T> {
  /** `<category>.<name>`, matched case-insensitively. */
  type: string;
  /** Versions served; the first is used when `spec.version` is empty. */
  versions: string[];
  /**
   * Imports the component's module and gives its constructor. Loaded on first use only, so a
   * runtime pays for the drivers (pg, ioredis, librdkafka...) its resources actually name.
   */
  load: () => Promise<(ctx: ComponentContext) => T>;
}

/** Creates a component instance (its module imported on demand). */
export type ComponentFactory<T> = (ctx: ComponentContext) => Promise<T>;

/**
 * A catalogue of component types for one building block (the registry; the compstore holds the
 * live ones). Registering a type/version twice is a programming error and throws at start-up.
 */
export class ComponentRegistry<T> {
  private readonly entries: Registration<T>[] = [];

  constructor(
    private readonly category: string,
    initial: Registration<T>[] = [],
  ) {
    for (const r of initial) this.register(r);
  }

  register(reg: Registration<T>): void {
    const type = reg.type.toLowerCase();
    if (this.entries.some((r) => r.type === type && r.versions.some((v) => reg.versions.includes(v)))) {
      throw new Error(`${this.category} ${reg.type} ${reg.versions.join(',')} is registered twice`);
    }
    this.entries.push({ ...reg, type });
  }

  /** The factory for a type and version, or (synchronously) an error naming what is known. */
  find(type: string, version: string): ComponentFactory<T> {
    const t = type.toLowerCase();
    const candidates = this.entries.filter((r) => r.type === t);
    if (candidates.length === 0) {
      const known = [...new Set(this.entries.map((r) => r.type))].join(', ');
      throw new Error(`unknown ${this.category} type '${type}' (known: ${known})`);
    }
    const v = (version || candidates[0].versions[0]).toLowerCase();
    const match = candidates.find((r) => r.versions.includes(v));
    if (!match) {
      throw new Error(
        `${this.category} type '${type}' has no version '${version}' (known: ${candidates.flatMap((r) => r.versions).join(', ')})`,
      );
    }
    return async (ctx) => (await match.load())(ctx);
  }
}
