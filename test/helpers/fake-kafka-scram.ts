import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * Just enough of a Kafka broker (plaintext, SASL SCRAM-SHA-256) to check the credentials a client
 * brings: ApiVersions, SaslHandshake and SaslAuthenticate (a real SCRAM server: the client's proof
 * is checked against `password`, so the password itself never crosses the wire), then Metadata
 * (this broker, no topics) and InitProducerId, so an idempotent producer finishes connecting.
 * Every login attempt is recorded. For tests only; on 127.0.0.1 and a free port.
 */

export interface ScramLogin {
  mechanism: string;
  username: string;
  /** Whether the client's proof matches `password` (it knew the password). */
  proofValid: boolean;
}

const i16 = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(v);
  return b;
};
const i32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
};
const str = (s: string) => Buffer.concat([i16(Buffer.byteLength(s)), Buffer.from(s)]);
const bytes = (b: Buffer) => Buffer.concat([i32(b.length), b]);

/** A response: size, correlation id (response header v0), body. */
function frame(correlationId: number, body: Buffer): Buffer {
  const payload = Buffer.concat([i32(correlationId), body]);
  return Buffer.concat([i32(payload.length), payload]);
}

const API_VERSIONS = 18;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;
const METADATA = 3;
const INIT_PRODUCER_ID = 22;
const SASL_AUTHENTICATION_FAILED = 58;

/** api key, min version, max version: versions whose encodings are implemented below. */
const SUPPORTED: [number, number, number][] = [
  [API_VERSIONS, 0, 3],
  [SASL_HANDSHAKE, 0, 1],
  [SASL_AUTHENTICATE, 0, 1],
  [METADATA, 0, 1],
  [INIT_PRODUCER_ID, 0, 1],
];

export class FakeScramKafka implements AsyncDisposable {
  readonly logins: ScramLogin[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly username: string,
    private readonly password: string,
  ) {}

  static async start(username: string, password: string): Promise<FakeScramKafka> {
    const ref: { self?: FakeScramKafka } = {};
    const server = createServer((s) => ref.self?.serve(s));
    ref.self = new FakeScramKafka(server, username, password);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return ref.self;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  private serve(sock: Socket): void {
    this.sockets.add(sock);
    sock.on('close', () => this.sockets.delete(sock));
    sock.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let mechanism = '';
    let scram: { bare: string; serverFirst: string; salt: Buffer; username: string } | undefined;
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const msg = buf.subarray(4, 4 + buf.readInt32BE(0));
        buf = buf.subarray(4 + msg.length);
        const apiKey = msg.readInt16BE(0);
        const version = msg.readInt16BE(2);
        const corr = msg.readInt32BE(4);
        // Request header v1 (client id); these APIs use it at the versions offered above
        // (ApiVersions v3's header v2 adds tagged fields after it, which are not read).
        const off = 10 + Math.max(msg.readInt16BE(8), 0);
        if (apiKey === API_VERSIONS) {
          const list = SUPPORTED.map(([k, min, max]) =>
            Buffer.concat([i16(k), i16(min), i16(max), ...(version >= 3 ? [Buffer.from([0])] : [])]),
          );
          const count = version >= 3 ? Buffer.from([SUPPORTED.length + 1]) : i32(SUPPORTED.length);
          const tail = version >= 3 ? [i32(0), Buffer.from([0])] : version >= 1 ? [i32(0)] : [];
          sock.write(frame(corr, Buffer.concat([i16(0), count, ...list, ...tail])));
        } else if (apiKey === SASL_HANDSHAKE) {
          mechanism = msg.subarray(off + 2, off + 2 + msg.readInt16BE(off)).toString();
          sock.write(frame(corr, Buffer.concat([i16(0), i32(1), str('SCRAM-SHA-256')])));
        } else if (apiKey === SASL_AUTHENTICATE) {
          const auth = msg.subarray(off + 4, off + 4 + msg.readInt32BE(off)).toString();
          const tail = version >= 1 ? [Buffer.alloc(8)] : [];
          if (auth.startsWith('n,,')) {
            // client-first-message: n,,n=<user>,r=<client nonce>
            const bare = auth.slice(3);
            const attrs = Object.fromEntries(bare.split(',').map((kv) => [kv[0], kv.slice(2)]));
            const salt = randomBytes(16);
            const serverFirst = `r=${attrs.r}${randomBytes(12).toString('hex')},s=${salt.toString('base64')},i=4096`;
            scram = { bare, serverFirst, salt, username: attrs.n ?? '' };
            sock.write(
              frame(corr, Buffer.concat([i16(0), i16(-1), bytes(Buffer.from(serverFirst)), ...tail])),
            );
          } else if (scram) {
            // client-final-message: c=biws,r=<nonce>,p=<proof>
            const at = auth.lastIndexOf(',p=');
            const authMessage = `${scram.bare},${scram.serverFirst},${auth.slice(0, at)}`;
            const proof = Buffer.from(auth.slice(at + 3), 'base64');
            const salted = pbkdf2Sync(this.password, scram.salt, 4096, 32, 'sha256');
            const clientKey = createHmac('sha256', salted).update('Client Key').digest();
            const storedKey = createHash('sha256').update(clientKey).digest();
            const signature = createHmac('sha256', storedKey).update(authMessage).digest();
            const candidate = Buffer.from(proof.map((b, i) => b ^ signature[i]));
            const proofValid = createHash('sha256').update(candidate).digest().equals(storedKey);
            this.logins.push({ mechanism, username: scram.username, proofValid });
            if (!proofValid || scram.username !== this.username) {
              const error = Buffer.concat([i16(SASL_AUTHENTICATION_FAILED), str('authentication failed')]);
              sock.write(frame(corr, Buffer.concat([error, bytes(Buffer.alloc(0)), ...tail])));
            } else {
              const serverKey = createHmac('sha256', salted).update('Server Key').digest();
              const final = `v=${createHmac('sha256', serverKey).update(authMessage).digest('base64')}`;
              sock.write(frame(corr, Buffer.concat([i16(0), i16(-1), bytes(Buffer.from(final)), ...tail])));
            }
          }
        } else if (apiKey === METADATA) {
          const host = [i32(1), str('127.0.0.1'), i32(this.port), ...(version >= 1 ? [i16(-1)] : [])];
          const body = [i32(1), ...host, ...(version >= 1 ? [i32(1)] : []), i32(0)];
          sock.write(frame(corr, Buffer.concat(body)));
        } else if (apiKey === INIT_PRODUCER_ID) {
          const id = Buffer.alloc(8);
          id.writeBigInt64BE(1000n);
          sock.write(frame(corr, Buffer.concat([i32(0), i16(0), id, i16(0)])));
        } else {
          sock.destroy();
        }
      }
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}
