// `normalcy serve`: the HTTP service over one or more saved models (see src/serve/server.ts).
import type { Command } from 'commander';
import { basename, resolve } from 'node:path';
import { loadLiveModel } from '../../serve/live-model.js';
import { buildServer } from '../../serve/server.js';
import { intFlag, UsageError } from '../common.js';

interface ServeFlags {
  model: string[];
  host: string;
  port: number;
  token?: string;
  maxStreams: number;
  idleMinutes: number;
  stateDir?: string;
  maxRows: number;
  maxBodyKb: number;
  log: boolean;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('HTTP service: batch and live scoring with a saved model (Fastify)')
    .requiredOption(
      '--model <dir|name=dir>',
      'model directory; repeat as name=dir to serve several (the first is the default)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--host <host>', 'address to listen on (loopback unless you open it)', '127.0.0.1')
    .option('--port <n>', 'port (0: any free one)', intFlag('--port', 0), 8080)
    .option(
      '--token <token>',
      'require Authorization: Bearer <token> on /v1 (default: $NORMALCY_TOKEN)',
    )
    .option('--max-streams <n>', 'live streams held at once', intFlag('--max-streams'), 1000)
    .option(
      '--idle-minutes <n>',
      'drop a live stream unused this long',
      intFlag('--idle-minutes'),
      15,
    )
    .option('--max-rows <n>', 'rows one request may carry', intFlag('--max-rows'), 100_000)
    .option('--max-body-kb <n>', 'largest request body, KiB', intFlag('--max-body-kb'), 16_384)
    .option(
      '--state-dir <dir>',
      'write live stream states here on shutdown, read them back on use (default: none, states are not kept)',
    )
    .option('--log', 'log every request (JSON lines on stdout)', false)
    .addHelpText(
      'after',
      `
Routes: POST /v1/score {"rows":[[...],...],"times"?:[...]}, POST /v1/streams/{id}/rows (same
body; state kept per stream), DELETE /v1/streams/{id}, GET /v1/model, GET /v1/models,
GET /healthz, GET /metrics (Prometheus). ?model=name picks a model. SIGTERM finishes the
requests in flight, saves stream states (--state-dir) and exits.

Example:
  normalcy serve --model model/ --port 8080
  curl -s localhost:8080/v1/score -H 'content-type: application/json' -d '{"rows":[[0.1],[0.2]]}'`,
    )
    .action(async (f: ServeFlags) => {
      const models = f.model.map((spec) => {
        const eq = spec.indexOf('=');
        const name = eq > 0 ? spec.slice(0, eq) : basename(resolve(spec));
        if (!/^[A-Za-z0-9._-]+$/.test(name))
          throw new UsageError(
            `--model ${spec}: a model name may hold letters, digits, '.', '_' and '-'`,
          );
        return loadLiveModel(eq > 0 ? spec.slice(eq + 1) : spec, name);
      });
      if (new Set(models.map((m) => m.name)).size !== models.length)
        throw new UsageError('--model: two models have the same name (use name=dir)');
      const token = f.token ?? process.env.NORMALCY_TOKEN;
      const app = buildServer({
        models,
        ...(token ? { token } : {}),
        maxStreams: f.maxStreams,
        streamIdleMs: f.idleMinutes * 60_000,
        maxRows: f.maxRows,
        bodyLimit: f.maxBodyKb * 1024,
        ...(f.stateDir ? { stateDir: f.stateDir } : {}),
        logger: f.log,
      });
      const address = await app.listen({ host: f.host, port: f.port });
      process.stderr.write(
        `normalcy serve: ${models.map((m) => `${m.name} (${m.detector.name})`).join(', ')} on ${address}\n`,
      );
      await new Promise<void>((done) => {
        const stop = (signal: string) => {
          process.stderr.write(`normalcy serve: ${signal}, finishing requests in flight\n`);
          app.close().then(done, done);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      process.stderr.write('normalcy serve: stopped\n');
    });
}
