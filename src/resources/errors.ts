/** A resource file that cannot be loaded: names the file, the resource and the field. */
export class ResourceError extends Error {
  constructor(
    readonly file: string,
    readonly resource: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}: ${resource}${field ? `: field '${field}'` : ''}: ${detail}`);
    this.name = 'ResourceError';
  }
}
