// The HTTP service (`normalcy serve`), on Fastify: batch scoring, live streams with
// per-stream state (a bounded number, idle ones evicted), the model's description, a
// health check and Prometheus metrics. Bodies are checked against a JSON schema and the
// model's channel count; bad input gets a 4xx naming the field, never a 500. /v1 routes
// take an optional bearer token. On close, in-flight requests finish and stream states
// can be written to a directory, to be picked up again on the next start.
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { writeFileAtomic } from '../io/atomic-write.js';
import type { StreamScorer, StreamState } from '../detectors/stream-scorer.js';
import type { Incident } from '../alarms/incident.js';
import type { LiveModel } from './live-model.js';
import { packageVersion } from '../version.js';

export interface ServeOptions {
  /** The models served; the first is the default of every route. */
  models: LiveModel[];
  /** Required as `Authorization: Bearer <token>` on /v1 routes when set. */
  token?: string;
  /** Live streams kept at once (all models together). */
  maxStreams?: number;
  /** A stream unused this long is dropped. */
  streamIdleMs?: number;
  /** Rows one request may carry. */
  maxRows?: number;
  /** Largest request body, bytes. */
  bodyLimit?: number;
  /** Where stream states are written on close and read back on first use. */
  stateDir?: string;
  logger?: boolean;
}

interface LiveStream {
  id: string;
  scorer: StreamScorer<Incident>;
  model: LiveModel;
  lastUsed: number;
}

/** A client error: answered with its status and message. */
class RequestError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const STREAM_ID = '^[A-Za-z0-9._-]{1,128}$';

function rowsBody(maxRows: number) {
  return {
    type: 'object',
    required: ['rows'],
    additionalProperties: false,
    properties: {
      rows: {
        type: 'array',
        minItems: 1,
        maxItems: maxRows,
        items: { type: 'array', minItems: 1, items: { type: 'number' } },
      },
      times: {
        type: 'array',
        maxItems: maxRows,
        items: { anyOf: [{ type: 'string', maxLength: 64 }, { type: 'number' }] },
      },
    },
  } as const;
}

interface RowsBody {
  rows: number[][];
  times?: (string | number)[];
}

export function buildServer(o: ServeOptions): FastifyInstance {
  if (o.models.length === 0) throw new Error('serve: no model to serve');
  const maxStreams = o.maxStreams ?? 1000;
  const idleMs = o.streamIdleMs ?? 15 * 60_000;
  const maxRows = o.maxRows ?? 100_000;
  const models = new Map(o.models.map((m) => [m.name, m]));
  const streams = new Map<string, LiveStream>();

  const register = new Registry();
  collectDefaultMetrics({ register });
  const requests = new Counter({
    name: 'normalcy_http_requests_total',
    help: 'HTTP requests by route and status code',
    labelNames: ['route', 'status'],
    registers: [register],
  });
  const duration = new Histogram({
    name: 'normalcy_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['route'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [register],
  });
  const rowsScored = new Counter({
    name: 'normalcy_rows_scored_total',
    help: 'Rows scored, by model and mode (batch or live)',
    labelNames: ['model', 'mode'],
    registers: [register],
  });
  const incidentsOpened = new Counter({
    name: 'normalcy_incidents_opened_total',
    help: 'Incidents opened on live streams, by model',
    labelNames: ['model'],
    registers: [register],
  });
  new Gauge({
    name: 'normalcy_live_streams',
    help: 'Live streams held',
    registers: [register],
    collect() {
      this.set(streams.size);
    },
  });

  const app = Fastify({
    logger: o.logger ?? false,
    bodyLimit: o.bodyLimit ?? 16 * 1024 * 1024,
    // Types are checked, not coerced ("1" is not a number); unknown fields are refused.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  });

  const token = o.token !== undefined ? Buffer.from(`Bearer ${o.token}`) : undefined;
  app.addHook('onRequest', async (req, reply) => {
    (req as FastifyRequest & { started?: number }).started = performance.now();
    if (!token || !req.url.startsWith('/v1/')) return;
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== token.length || !timingSafeEqual(given, token)) {
      reply.header('www-authenticate', 'Bearer');
      throw new RequestError(401, 'missing or wrong bearer token (Authorization: Bearer <token>)');
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    requests.inc({ route, status: String(reply.statusCode) });
    const started = (req as FastifyRequest & { started?: number }).started;
    if (started !== undefined) duration.observe({ route }, (performance.now() - started) / 1000);
  });

  app.setErrorHandler(
    (err: Error & { statusCode?: number; validation?: unknown; code?: string }, req, reply) => {
      const status = err.statusCode ?? 500;
      if (status >= 500) {
        req.log.error(err);
        return reply.status(500).send({ error: 'internal error', message: err.message });
      }
      // Fastify names schema failures like "body/rows/0/1 must be number".
      return reply.status(status).send({ error: reason(status), message: err.message });
    },
  );
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ error: 'not found', message: `no route ${req.method} ${req.url}` }),
  );

  const modelOf = (req: FastifyRequest): LiveModel => {
    const name = (req.query as { model?: string }).model;
    if (name === undefined) return o.models[0]!;
    const m = models.get(name);
    if (!m)
      throw new RequestError(
        404,
        `model '${name}' is not served (served: ${[...models.keys()].join(', ')})`,
      );
    return m;
  };

  /** The rows as one row-major block, checked against the model's channels. */
  const block = (
    m: LiveModel,
    body: RowsBody,
  ): { data: Float32Array; times?: (string | number)[] } => {
    const ch = m.detector.channels;
    const data = new Float32Array(body.rows.length * ch);
    body.rows.forEach((row, i) => {
      if (row.length !== ch)
        throw new RequestError(
          400,
          `body/rows/${i} has ${row.length} value(s), model '${m.name}' expects ${ch} channel(s)`,
        );
      for (let c = 0; c < ch; c++) {
        const v = row[c]!;
        // JSON has no NaN; numbers beyond float32 would become infinite.
        if (!Number.isFinite(Math.fround(v)))
          throw new RequestError(400, `body/rows/${i}/${c} is ${v}, beyond the float32 range`);
        data[i * ch + c] = v;
      }
    });
    if (body.times && body.times.length !== body.rows.length)
      throw new RequestError(
        400,
        `body/times has ${body.times.length} entries for ${body.rows.length} rows`,
      );
    return body.times ? { data, times: body.times } : { data };
  };

  app.get('/healthz', async () => ({
    status: 'ok',
    models: [...models.keys()],
    streams: streams.size,
  }));

  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', register.contentType);
    return register.metrics();
  });

  app.get('/v1/models', async () => ({ models: [...models.values()].map(describe) }));

  app.get('/v1/model', { schema: { querystring: modelQuery } }, async (req) =>
    describe(modelOf(req)),
  );

  app.post(
    '/v1/score',
    { schema: { body: rowsBody(maxRows), querystring: modelQuery } },
    async (req) => {
      const m = modelOf(req);
      const { data, times } = block(m, req.body as RowsBody);
      const stamps = times ? epochs(times) : undefined;
      let result;
      try {
        result = m.scoreBatch(data, stamps);
      } catch (err) {
        // The detector refuses what it cannot score (e.g. fewer rows than its window).
        throw new RequestError(422, (err as Error).message);
      }
      rowsScored.inc({ model: m.name, mode: 'batch' }, result.scores.length);
      return {
        model: m.name,
        scores: Array.from(result.scores),
        ...(result.flagged ? { flagged: result.flagged } : {}),
        ...(result.incidents ? { incidents: result.incidents } : {}),
        ...(m.threshold !== undefined ? { threshold: m.threshold } : {}),
      };
    },
  );

  const streamOf = (id: string, m: LiveModel): LiveStream => {
    const key = `${m.name}/${id}`;
    const now = Date.now();
    let s = streams.get(key);
    if (!s) {
      if (streams.size >= maxStreams) {
        evictIdle(now);
        if (streams.size >= maxStreams)
          throw new RequestError(
            429,
            `too many live streams (${maxStreams}); close one with DELETE /v1/streams/{id} or wait for idle ones to expire`,
          );
      }
      s = { id, scorer: m.openStream(loadState(m, id)), model: m, lastUsed: now };
      streams.set(key, s);
    }
    s.lastUsed = now;
    // Most recently used last: eviction scans from the front.
    streams.delete(key);
    streams.set(key, s);
    return s;
  };

  const evictIdle = (now: number) => {
    for (const [key, s] of streams) {
      if (now - s.lastUsed < idleMs) break;
      streams.delete(key);
    }
  };
  const sweep = setInterval(() => evictIdle(Date.now()), Math.min(idleMs, 60_000));
  sweep.unref();

  const statePath = (m: LiveModel, id: string) => join(o.stateDir!, m.name, `${id}.json`);
  const loadState = (m: LiveModel, id: string): StreamState | undefined => {
    if (!o.stateDir || !existsSync(statePath(m, id))) return undefined;
    return JSON.parse(readFileSync(statePath(m, id), 'utf8')) as StreamState;
  };

  app.post(
    '/v1/streams/:id/rows',
    {
      schema: {
        body: rowsBody(maxRows),
        params: {
          type: 'object',
          properties: { id: { type: 'string', pattern: STREAM_ID } },
        },
        querystring: modelQuery,
      },
    },
    async (req) => {
      const m = modelOf(req);
      const { id } = req.params as { id: string };
      const { data, times } = block(m, req.body as RowsBody);
      const s = streamOf(id, m);
      const results = s.scorer.pushMany(data, times);
      for (const p of results) if (p.incident?.opened) incidentsOpened.inc({ model: m.name });
      rowsScored.inc({ model: m.name, mode: 'live' }, results.length);
      return { model: m.name, stream: id, results };
    },
  );

  app.delete(
    '/v1/streams/:id',
    {
      schema: {
        params: { type: 'object', properties: { id: { type: 'string', pattern: STREAM_ID } } },
        querystring: modelQuery,
      },
    },
    async (req) => {
      const m = modelOf(req);
      const { id } = req.params as { id: string };
      const key = `${m.name}/${id}`;
      const s = streams.get(key);
      if (!s) throw new RequestError(404, `no live stream '${id}' for model '${m.name}'`);
      streams.delete(key);
      const closed = s.scorer.flush();
      return { model: m.name, stream: id, steps: s.scorer.steps, ...(closed ? { closed } : {}) };
    },
  );

  app.addHook('onClose', async () => {
    clearInterval(sweep);
    if (!o.stateDir) return;
    for (const s of streams.values()) {
      mkdirSync(join(o.stateDir, s.model.name), { recursive: true });
      writeFileAtomic(statePath(s.model, s.id), JSON.stringify(s.scorer.saveState()));
    }
  });

  return app;
}

const modelQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { model: { type: 'string', maxLength: 128 } },
} as const;

function describe(m: LiveModel) {
  return {
    name: m.name,
    detector: m.detector.name,
    channels: m.detector.channels,
    config: m.detector.config,
    threshold: m.manifest.threshold ?? null,
    normalcyVersion: m.manifest.normalcyVersion,
    savedAt: m.manifest.savedAt,
    server: packageVersion(),
  };
}

function epochs(times: (string | number)[]): Float64Array {
  return Float64Array.from(times, (t, i) => {
    const ms = typeof t === 'number' ? t : Date.parse(t);
    if (!Number.isFinite(ms)) throw new RequestError(400, `body/times/${i}: '${t}' is not a time`);
    return ms;
  });
}

function reason(status: number): string {
  return (
    {
      400: 'bad request',
      401: 'unauthorized',
      404: 'not found',
      413: 'body too large',
      415: 'unsupported media type',
      422: 'cannot score',
      429: 'too many streams',
    }[status] ?? 'request refused'
  );
}
