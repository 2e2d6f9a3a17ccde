// The load side of the pub/sub bench, a child of pubsub.mjs (own heap, JIT and CPU). It publishes
// either through the raw client, which also consumes and acks here, or through daprts' HTTP publish
// API, in which case daprts delivers to the subscriber app (pubsub-app.mjs) that runs here too. So
// both paths are received and timed by this process, and the publisher knows how many of its
// messages are still on their way. IPC messages {id, cmd, ...} are answered {id, result} or
// {id, error}:
//
//   subs {list: [{pubsubname, topic}]}   what the app's /dapr/subscribe answers
//   raw-open {broker, topic, opts}    open the raw client; its consumer records into the receiver
//   raw-close
//   cleanup {broker, topic, opts}     remove what daprts' component left on the broker for `topic`
//   dapr-open {port, pubsub, topic, bulkTopic, connections}   an undici Pool to daprts
//   dapr-close
//   floor-open {port, pubsub, topic, connections} | floor-close   the same, to the floor sidecar
//   reset {run} | progress | collect  the receiver (both paths)
//   run {target: raw|dapr|floor|dapr-bulk, run, mode: rate|max, rate, conc, backlog, durMs, batch}
//       rate: `rate` msg/s, open loop; max: `conc` publishes in flight and at most `backlog`
//       messages published but not yet delivered; dapr-bulk (max only): `conc` bulk publishes of
//       `batch` messages each in flight, to the topic the app bulk-subscribes
//       → {sent, okCount, ok (base64: 1 per seq answered 2xx), errors, firstError, pub (latency
//          percentiles, ms), startNs, endNs, maxLagMs, backlogWaits, cpuUs}

import { message, nowNs, Receiver, Samples } from './pubsub-common.mjs';
import { openRaw, cleanupDaprTopic } from './brokers.mjs';
import { startApp } from './pubsub-app.mjs';

const rx = new Receiver();
let raw;
// HTTP publishers by target: `dapr` (daprts) and `floor` (bench/baseline/pubsub-floor.mjs).
const http = {};

/** A consumed message: a string, a Buffer, or (NATS) a Uint8Array. */
function onRawMessage(data) {
  const text =
    typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString();
  rx.record(JSON.parse(text));
}

class Flags {
  constructor() {
    this.a = new Uint8Array(1 << 16);
  }
  set(i) {
    if (i >= this.a.length) {
      let len = this.a.length;
      while (len <= i) len *= 2;
      const b = new Uint8Array(len);
      b.set(this.a);
      this.a = b;
    }
    this.a[i] = 1;
  }
}

async function openDapr({ port, pubsub, topic, bulkTopic, connections }) {
  const { Pool } = await import('undici');
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const path = `/v1.0/publish/${pubsub}/${topic}`;
  const bulkPath = `/v1.0-alpha1/publish/bulk/${pubsub}/${bulkTopic}`;
  const headers = { 'content-type': 'application/json' };
  const send = async (p, body) => {
    const r = await pool.request({ method: 'POST', path: p, headers, body });
    const text = await r.body.text();
    if (r.statusCode < 200 || r.statusCode >= 300) throw new Error(`publish: HTTP ${r.statusCode} ${text}`);
  };
  return {
    pool,
    publish: (text) => send(path, text),
    /** One bulk publish request; any non-2xx counts every entry as failed. */
    publishBulk: (texts) =>
      send(
        bulkPath,
        '[' +
          texts.map((t, i) => `{"entryId":"${i}","event":${t},"contentType":"application/json"}`).join(',') +
          ']',
      ),
  };
}

async function run({ target, run: runId, mode, rate, conc, backlog, durMs, batch = 1 }) {
  // dapr-bulk publishes through the daprts pool too (publishBulk).
  const publish = target === 'raw' ? raw.publish : http[target === 'floor' ? 'floor' : 'dapr'].publish;
  const ok = new Flags();
  const lat = new Samples();
  let errors = 0;
  let firstError;
  let sent = 0;
  let okCount = 0;
  let maxLagMs = 0;
  let backlogWaits = 0;
  const inFlight = new Set();
  const cpu0 = process.cpuUsage();
  const start = nowNs();

  const fire = (seq, t) => {
    sent++;
    const p = publish(message(runId, seq, t)).then(
      () => {
        lat.push((nowNs() - t) / 1e6);
        ok.set(seq);
        okCount++;
      },
      (err) => {
        errors++;
        firstError ??= String(err?.message ?? err);
      },
    );
    return p;
  };

  if (mode === 'rate') {
    const periodNs = 1e9 / rate;
    const total = Math.round((rate * durMs) / 1000);
    let seq = 0;
    await new Promise((resolve) => {
      const tick = () => {
        const now = nowNs();
        const due = Math.min(total, Math.floor((now - start) / periodNs) + 1);
        while (seq < due) {
          const t = nowNs();
          maxLagMs = Math.max(maxLagMs, (t - (start + seq * periodNs)) / 1e6);
          const p = fire(seq++, t);
          inFlight.add(p);
          p.finally(() => inFlight.delete(p));
        }
        if (seq >= total) resolve();
        else setTimeout(tick, Math.max(0, (start + seq * periodNs - nowNs()) / 1e6 - 0.2));
      };
      tick();
    });
    await Promise.all([...inFlight]);
  } else {
    const stopAt = start + durMs * 1e6;
    let next = 0;
    // The backlog limit: a publisher waits while `backlog` messages are published and not yet
    // delivered (brokers that drop a backlog, e.g. Mosquitto beyond max_queued_messages, or the
    // Kafka mock beyond its retention, then measure delivery, not their limits). Each delivery
    // frees one slot, so it wakes one waiting publisher.
    const waiters = [];
    let ended = false;
    // `n` more would exceed the backlog.
    const full = (n = 1) => next - errors - rx.received + n > backlog;
    rx.onDelivery = () => {
      if (waiters.length > 0 && !full(batch)) waiters.shift()();
    };
    const endTimer = setTimeout(() => {
      ended = true;
      for (const w of waiters.splice(0)) w();
    }, durMs);
    // A batch of `batch` messages goes out as one bulk publish (target dapr-bulk).
    const fireBatch = async (first, t) => {
      sent += batch;
      const seqs = Array.from({ length: batch }, (_, i) => first + i);
      try {
        await http.dapr.publishBulk(seqs.map((seq) => message(runId, seq, t)));
        lat.push((nowNs() - t) / 1e6);
        for (const seq of seqs) ok.set(seq);
        okCount += batch;
      } catch (err) {
        errors += batch;
        firstError ??= String(err?.message ?? err);
      }
    };
    const loop = async () => {
      while (!ended && nowNs() < stopAt) {
        if (full(batch)) {
          backlogWaits++;
          await new Promise((resolve) => waiters.push(resolve));
          continue;
        }
        if (target === 'dapr-bulk') {
          const first = next;
          next += batch;
          await fireBatch(first, nowNs());
        } else await fire(next++, nowNs());
      }
    };
    await Promise.all(Array.from({ length: conc }, loop));
    clearTimeout(endTimer);
    rx.onDelivery = undefined;
  }
  const endNs = nowNs();
  const cpu = process.cpuUsage(cpu0);
  return {
    sent,
    okCount,
    ok: Buffer.from(ok.a.buffer, 0, ok.a.length).toString('base64'),
    errors,
    firstError,
    pub: lat.summary(),
    startNs: start,
    endNs,
    maxLagMs,
    backlogWaits,
    cpuUs: cpu.user + cpu.system,
  };
}

const app = await startApp(rx);

/** `<name>-open` (an undici Pool to that sidecar) and `<name>-close`. */
function httpHandlers(name) {
  return {
    [`${name}-open`]: async (m) => {
      http[name] = await openDapr(m);
      return true;
    },
    [`${name}-close`]: async () => {
      await http[name]?.pool.close();
      delete http[name];
      return true;
    },
  };
}

const handlers = {
  subs: ({ list }) => (app.setSubs(list), true),
  'raw-open': async ({ broker, topic, opts }) => {
    raw = await openRaw(broker, topic, onRawMessage, opts);
    return true;
  },
  'raw-close': async () => {
    await raw?.close();
    raw = undefined;
    return true;
  },
  cleanup: async ({ broker, topic, opts }) => (await cleanupDaprTopic(broker, topic, opts), true),
  ...httpHandlers('dapr'),
  ...httpHandlers('floor'),
  reset: ({ run: r }) => (rx.reset(r), true),
  progress: () => rx.progress(),
  collect: () => rx.collect(),
  run,
};

process.on('message', async (m) => {
  try {
    process.send({ id: m.id, result: await handlers[m.cmd](m) });
  } catch (err) {
    process.send({ id: m.id, error: String(err?.stack ?? err) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: { appPort: app.port } });
