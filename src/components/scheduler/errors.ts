/** A job of that name exists and the request did not ask to overwrite it (go-etcd-cron's message). */
export class JobAlreadyExistsError extends Error {
  constructor(readonly key: string) {
    super(`job already exists: '${key}'`);
    this.name = 'JobAlreadyExistsError';
  }
}
