import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import { CommunicationProtocolEnum, DaprClient, LogLevel, type LoggerService } from '@dapr/dapr';
import { createAgent, type Agent } from './agent/index.js';
import { JwtVerifier } from './auth.js';
import type { ChatConfig } from './config.js';
import { CONVERSATION_ID_RE, ForbiddenError } from './keys.js';
import { ChatService, WARNINGS } from './service.js';
import { ConversationStore, StateUnavailableError, type Log } from './store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user id (the token's `sub`). */
    subject: string;
  }
}

export interface ChatAppOptions {
  /** A DaprClient to use (tests spy on it); default: one for `config.daprHost:daprHttpPort`. */
  client?: DaprClient;
  agent?: Agent;
}

export interface ChatApp {
  app: FastifyInstance;
  service: ChatService;
  store: ConversationStore;
  client: DaprClient;
  /** Starts listening; resolves the base URL. */
  listen(): Promise<string>;
  /** Stops listening. `stopClient` also closes the SDK's (process-wide) connection pool. */
  close(opts?: { stopClient?: boolean }): Promise<void>;
}

/** The official SDK's client for daprts over HTTP, its log lines routed into ours. */
export function createDaprClient(
  cfg: Pick<ChatConfig, 'daprHost' | 'daprHttpPort' | 'daprApiToken'>,
  log: Log,
): DaprClient {
  const service: LoggerService = {
    error: (m: unknown) => log.error({ sdk: 'dapr' }, String(m)),
    warn: (m: unknown) => log.warn({ sdk: 'dapr' }, String(m)),
    info: (m: unknown) => log.debug({ sdk: 'dapr' }, String(m)),
    verbose: (m: unknown) => log.debug({ sdk: 'dapr' }, String(m)),
    debug: (m: unknown) => log.debug({ sdk: 'dapr' }, String(m)),
  };
  return new DaprClient({
    daprHost: cfg.daprHost,
    daprPort: cfg.daprHttpPort,
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    daprApiToken: cfg.daprApiToken,
    logger: { level: LogLevel.Warn, service },
  });
}

interface UserParams {
  user_id: string;
}
interface ConversationParams extends UserParams {
  conversation_id: string;
}
interface ChatBody {
  message: string;
  conversation_id?: string;
}

/**
 * The HTTP API:
 *
 *   POST   /api/{user_id}/chat                              {message, conversation_id?} → answer
 *   GET    /api/{user_id}/conversations                     → the user's conversations
 *   GET    /api/{user_id}/conversations/{conversation_id}   → one conversation's history
 *   DELETE /api/{user_id}/conversations/{conversation_id}   → 204
 *   GET    /healthz
 *
 * Every /api route needs `Authorization: Bearer <JWT>` (401) whose `sub` is the `{user_id}` of the
 * path (403). Both checks run in the first hook, before the body is read and before any state is.
 */
export function buildChatApp(cfg: ChatConfig, opts: ChatAppOptions = {}): ChatApp {
  const app = Fastify({
    logger: { level: cfg.logLevel },
    logController: new LogController({ disableRequestLogging: !cfg.logRequests }),
    bodyLimit: Math.max(1024 * 1024, cfg.maxMessageChars * 4 + 4096),
  });
  const log: Log = app.log;
  const client = opts.client ?? createDaprClient(cfg, log);
  const store = new ConversationStore(client, cfg, log);
  const service = new ChatService(store, opts.agent ?? createAgent(cfg), cfg, log);
  const verifier = new JwtVerifier({
    secret: cfg.jwtSecret,
    issuer: cfg.jwtIssuer,
    audience: cfg.jwtAudience,
  });

  app.decorateRequest('subject', '');

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500 && !(err instanceof StateUnavailableError)) req.log.error({ err }, 'request failed');
    // Never echo internals (an upstream URL, a stack) for a 5xx; 4xx messages are the caller's to fix.
    const error =
      status === 502
        ? 'the assistant is unavailable; try again'
        : status >= 500
          ? 'internal error'
          : err.message;
    const body: Record<string, unknown> = { error };
    if (err instanceof StateUnavailableError) {
      body.error = 'state store unavailable';
      body.warning = WARNINGS.historyUnavailable;
    }
    if (status === 503) reply.header('retry-after', '1');
    return reply.status(status).send(body);
  });

  app.get('/healthz', async () => ({ status: 'ok', state: store.breaker.open ? 'degraded' : 'ok' }));

  // Authentication and ownership, before anything else happens for the request.
  const authenticate = async (req: FastifyRequest<{ Params: UserParams }>) => {
    req.subject = await verifier.subject(req.headers.authorization);
    if (req.params.user_id !== req.subject) throw new ForbiddenError();
  };

  app.post<{ Params: UserParams; Body: ChatBody }>(
    '/api/:user_id/chat',
    {
      onRequest: authenticate,
      schema: {
        body: {
          type: 'object',
          required: ['message'],
          properties: {
            message: { type: 'string', minLength: 1, maxLength: cfg.maxMessageChars },
            conversation_id: { type: 'string', pattern: CONVERSATION_ID_RE.source },
          },
        },
      },
    },
    async (req) => {
      const { message, conversation_id } = req.body;
      if (message.trim() === '') throw Object.assign(new Error('message is empty'), { statusCode: 400 });
      const result = await service.send(req.subject, conversation_id, message);
      if (result.warning) req.log.warn({ conversation_id: result.conversation_id }, result.warning);
      return result;
    },
  );

  app.get<{ Params: UserParams }>(
    '/api/:user_id/conversations',
    { onRequest: authenticate },
    async (req) => ({ conversations: await service.list(req.subject) }),
  );

  app.get<{ Params: ConversationParams }>(
    '/api/:user_id/conversations/:conversation_id',
    { onRequest: authenticate },
    async (req) => service.history(req.subject, req.params.conversation_id),
  );

  app.delete<{ Params: ConversationParams }>(
    '/api/:user_id/conversations/:conversation_id',
    { onRequest: authenticate },
    async (req, reply) => {
      await service.remove(req.subject, req.params.conversation_id);
      return reply.status(204).send();
    },
  );

  return {
    app,
    service,
    store,
    client,
    async listen() {
      const url = await app.listen({ host: cfg.host, port: cfg.port });
      // Let the SDK find the sidecar in the background; requests before then wait (bounded by the
      // state timeout) and answer in degraded mode if it takes too long.
      client.start().catch((err: unknown) => log.error({ err: String(err) }, 'Dapr sidecar not reachable'));
      return url;
    },
    async close({ stopClient = false } = {}) {
      await app.close();
      if (stopClient) await client.stop();
    },
  };
}
