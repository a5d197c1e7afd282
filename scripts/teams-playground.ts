import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { LocalTokenSigner } from '../src/chat/teams/local-token-signer';
import { parseEnv } from '../src/config/env';
import { loadPolicyFile } from '../src/config/policy-file';
import { redisProblem, redisServerInstalled, startPrivateRedis, type PrivateRedisServer } from '../src/jobs/local-redis';
import { createLogger, readableLines, type Logger } from '../src/lib/logger';
import { startRuntime, type Runtime } from '../src/runtime';
import { sandboxed } from '../src/sandbox/sandbox-policy';

/** The bot and tenant of playground/config.yml (the Playground sends these; jitbot checks them). */
const PLAYGROUND_APP_ID = '00000000-0000-4000-8000-00000000b0a7';
const PLAYGROUND_TENANT_ID = '00000000-0000-4000-8000-0000000000a1';
const DIR = join(__dirname, '..', 'playground');
/** What jitbot sends the Playground's connector as its token (the Playground checks none). */
const CONNECTOR_TOKEN = 'playground-local-connector';

/**
 * Variables that would reach a real Microsoft, Slack or cloud account: the playground refuses
 * to start beside any of them, so nothing it does can touch one.
 */
const REAL_CREDENTIALS = [
  'MICROSOFT_APP_ID',
  'MICROSOFT_APP_PASSWORD',
  'MICROSOFT_APP_TENANT_ID',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_TENANT_ID',
  'GOOGLE_APPLICATION_CREDENTIALS',
];

export function realCredentialsIn(env: NodeJS.ProcessEnv): string[] {
  return REAL_CREDENTIALS.filter((name) => env[name]);
}

export interface TeamsPlayground {
  /** The Playground's page. */
  url: string;
  runtime: Runtime;
  close(): Promise<void>;
}

export interface PlaygroundOptions {
  /** The Playground's port (its default, 56150, when free). */
  playgroundPort?: number;
  /** jitbot's own port (0: any free one). */
  port?: number;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
}

/**
 * jitbot's real Teams adapter against Microsoft 365 Agents Playground on this machine, with no
 * Microsoft account: a loopback proxy signs each activity the Playground sends with a local
 * token signer that jitbot is told to trust instead of Microsoft's, every role runs on the
 * sandbox provider, and everything listens on 127.0.0.1.
 */
export async function startTeamsPlayground(opts: PlaygroundOptions = {}): Promise<TeamsPlayground> {
  const source = opts.env ?? process.env;
  const real = realCredentialsIn(source);
  if (real.length > 0)
    throw new Error(
      `The Teams playground runs with no real account, and ${real.join(', ')} ${real.length === 1 ? 'is' : 'are'} set. Unset ${real.length === 1 ? 'it' : 'them'} (or use a clean shell) and start it again.`,
    );
  const logger = opts.logger ?? createLogger('info', readableLines(process.stdout, process.stdout.isTTY));
  const closers: Array<() => Promise<unknown> | unknown> = [];
  const close = async () => {
    for (const fn of closers.reverse()) await Promise.resolve(fn()).catch(() => undefined);
  };
  try {
    const redis = await redisFor(source.REDIS_URL ?? 'redis://127.0.0.1:6379', logger);
    if (redis.server) closers.push(() => redis.server!.stop());
    const dataDir = mkdtempSync(join(tmpdir(), 'jitbot-playground-'));
    closers.push(() => rmSync(dataDir, { recursive: true, force: true }));

    // The signer's OpenID endpoint and the signing proxy, on one loopback server.
    const signer = new LocalTokenSigner();
    const edge = express();
    let edgeUrl = '';
    signer.mount(edge, () => edgeUrl);
    let botUrl = '';
    edge.post('/api/messages', express.raw({ type: '*/*', limit: '1mb' }), async (req, res) => {
      const activity = JSON.parse(req.body.toString('utf8')) as { serviceUrl?: string };
      const token = signer.token({ audience: PLAYGROUND_APP_ID, serviceUrl: activity.serviceUrl ?? '' });
      const answer = await fetch(`${botUrl}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: (req.body as Buffer).toString('utf8'),
      }).catch((e: unknown) => {
        logger.error({ err: e }, 'the playground could not reach jitbot');
        return undefined;
      });
      if (!answer) return void res.status(502).end();
      res.status(answer.status).type(answer.headers.get('content-type') ?? 'application/json');
      res.send(Buffer.from(await answer.arrayBuffer()));
    });
    const edgeServer = await listen(edge);
    closers.push(() => new Promise((resolve) => edgeServer.close(resolve)));
    edgeUrl = `http://127.0.0.1:${(edgeServer.address() as AddressInfo).port}/`;

    const env = parseEnv({
      PORT: String(opts.port ?? 0),
      JIT_DATA_DIR: source.DATABASE_URL ? dataDir : join(dataDir, 'pglite'),
      ...(source.DATABASE_URL ? { DATABASE_URL: source.DATABASE_URL } : {}),
      REDIS_URL: redis.url,
      JIT_QUEUE_PREFIX: `jitbot-playground-${process.pid}`,
      MICROSOFT_APP_ID: PLAYGROUND_APP_ID,
      MICROSOFT_APP_PASSWORD: 'unused-with-the-local-signer',
      MICROSOFT_APP_TENANT_ID: PLAYGROUND_TENANT_ID,
      LOG_LEVEL: source.LOG_LEVEL ?? 'info',
    });
    const runtime = await startRuntime({
      env,
      policy: sandboxed(loadPolicyFile(join(DIR, 'policy.yaml'))).policy,
      logger,
      host: '127.0.0.1',
      teamsAuth: signer.authOverrides(edgeUrl, PLAYGROUND_APP_ID, CONNECTOR_TOKEN),
    });
    closers.push(() => runtime.close());
    botUrl = runtime.url!;

    const url = await startPlaygroundServer(`${edgeUrl}api/messages`, opts.playgroundPort ?? 56150, dataDir, closers);
    return { url, runtime, close };
  } catch (e) {
    await close();
    throw e;
  }
}

async function redisFor(url: string, logger: Logger): Promise<{ url: string; server?: PrivateRedisServer }> {
  if (!(await redisProblem(url))) return { url };
  if (!redisServerInstalled())
    throw new Error(`Nothing answers at REDIS_URL=${url}, and redis-server is not installed: start Redis first.`);
  const server = await startPrivateRedis();
  logger.warn(`Nothing answers at ${url}: the playground started a private redis-server at ${server.url}.`);
  return { url: server.url, server };
}

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** The Playground's own server (from the npm package), sending to `endpoint`; resolves with its page's URL. */
function startPlaygroundServer(endpoint: string, port: number, dataDir: string, closers: Array<() => unknown>): Promise<string> {
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  const child = spawn(process.execPath, [cli, '-e', endpoint, '-c', 'msteams', '--port', String(port), '--disable-telemetry'], {
    env: {
      ...process.env,
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: join(DIR, 'config.yml'),
      M365_AGENTS_PLAYGROUND_LOGFILE: join(dataDir, 'playground.log'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  closers.push(() => child.kill('SIGTERM'));
  return new Promise((resolve, reject) => {
    let output = '';
    // It says "Listening" before it reads its config: a bad config fails a moment later, so that moment is waited out.
    let listening = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const failed = /Failed to start Microsoft 365 Agents Playground[\s\S]*/.exec(output);
      if (failed) reject(new Error(`Microsoft 365 Agents Playground did not start: ${failed[0].trim()}`));
      const port = /Listening on (\d+)/.exec(output)?.[1];
      if (port && !listening) {
        listening = true;
        setTimeout(() => resolve(`http://127.0.0.1:${port}`), 1500);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Microsoft 365 Agents Playground exited (${code}) before it listened:\n${output}`)));
  });
}

async function main(): Promise<void> {
  const playground = await startTeamsPlayground({ port: 3978 });
  process.stdout.write(
    `\n  TEAMS PLAYGROUND — jitbot's Teams side on this machine, no Microsoft account, every role a sandbox role.\n` +
      `  Open ${playground.url} : you are Alex Wilber. Type "request prod-admin 1h \\"try it\\"" in Personal Chat;\n` +
      `  the card goes to the General channel (open it once first). Ctrl-C stops everything.\n\n`,
  );
  const stop = () => void playground.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  });
}
