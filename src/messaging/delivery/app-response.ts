import type { AppResponse } from '../../runtime/app-channel.js';

export type DeliveryOutcome = 'SUCCESS' | 'RETRY' | 'DROP';

/**
 * Reads the app's answer to a delivery exactly as daprd does (dapr-api.md §3.7): a 2xx with an
 * empty or non-JSON-object body, `{}`, or `{"status":"SUCCESS"}` is success; `RETRY` retries;
 * `DROP` drops; any other status string (case-sensitive) retries; 404 drops; any other code retries.
 */
export function interpretResponse(res: AppResponse): { outcome: DeliveryOutcome; reason: string } {
  if (res.status >= 200 && res.status < 300) {
    let body: unknown;
    try {
      body = res.body.length === 0 ? undefined : JSON.parse(res.body.toString('utf8'));
    } catch {
      return { outcome: 'SUCCESS', reason: 'non-JSON 2xx body' };
    }
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return { outcome: 'SUCCESS', reason: '2xx' };
    const status = statusField(body as Record<string, unknown>);
    if (status === undefined || status === '' || status === 'SUCCESS')
      return { outcome: 'SUCCESS', reason: '2xx' };
    if (status === 'DROP') return { outcome: 'DROP', reason: 'app returned DROP' };
    if (status === 'RETRY') return { outcome: 'RETRY', reason: 'app returned RETRY' };
    return { outcome: 'RETRY', reason: `app returned unknown status ${JSON.stringify(status)}` };
  }
  if (res.status === 404) return { outcome: 'DROP', reason: 'app returned 404 (no route for the event)' };
  return { outcome: 'RETRY', reason: `app returned HTTP ${res.status}` };
}

/**
 * The `status` field as Go's decoder fills `struct{Status string}`: names match case-insensitively,
 * the last one wins, null leaves it as it was, and any other non-string value is a decode error
 * (undefined here: daprd then skips the status check and counts the delivery a success).
 */
function statusField(body: Record<string, unknown>): string | undefined {
  let status: string | undefined;
  for (const [k, v] of Object.entries(body)) {
    if (k.toLowerCase() !== 'status' || v === null) continue;
    if (typeof v !== 'string') return undefined;
    status = v;
  }
  return status;
}

/** Thrown inside the retry runner so the inbound policy retries the delivery. */
export class RetriableDeliveryError extends Error {
  /** `statusCode`: the app's HTTP status, when it answered one (for a retry's `matching`). */
  constructor(
    reason: string,
    readonly statusCode?: number,
  ) {
    super(reason);
    this.name = 'RetriableDeliveryError';
  }
}
