import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Query } from './request.js';

export type Params = Record<string, string | undefined>;

/** What every handler gets besides the request and response. */
export interface HandlerContext {
  params: Params;
  query: Query;
  /** Reads and size-checks the body. */
  body(): Promise<Buffer>;
}

export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: HandlerContext,
) => Promise<void> | void;

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  methods: Method[];
  path: string;
  handler: Handler;
}
