import { parseArgs } from 'node:util';
import { parseEnv, type Env } from './config/env';
import { redisProblem, redisServerInstalled, startPrivateRedis } from './jobs/local-redis';
import { choosePolicyFile, loadPolicyFile } from './config/policy-file';
import { createLogger, readableLines, type Logger } from './lib/logger';
import { startRuntime, type ProcessRole, type Runtime } from './runtime';

/**
 * `npm start` on a machine with Redis installed but not running, and REDIS_URL unset: a
 * private redis-server for this process, said in one line. Only for web and workers in one
 * process: separate web and worker processes must share one Redis, so they are told to start it.
 */
async function redisForThisProcess(env: Env, role: ProcessRole, explicitlySet: boolean, logger: Logger): Promise<Env> {
  if (explicitlySet || role !== 'all' || !(await redisProblem(env.REDIS_URL))?.startsWith('ECONNREFUSED') || !redisServerInstalled())
    return env;
  const redis = await startPrivateRedis();
  logger.warn(
    `REDIS_URL is unset and nothing answers at ${env.REDIS_URL}, so jitbot started a private redis-server at ${redis.url} (loopback only, nothing kept on disk, stopped with jitbot). Set REDIS_URL to use your own.`,
  );
  return { ...env, REDIS_URL: redis.url };
}

/** `npm start` (web + workers), `npm run start:web`, `npm run start:worker`. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { role: { type: 'string', default: 'all' } } });
  const role = values.role as ProcessRole;
  if (!['all', 'web', 'worker'].includes(role)) throw new Error(`--role must be all, web or worker (got "${role}")`);
  const env = parseEnv();
  // A terminal gets readable lines; a pipe or a log collector gets JSON.
  const logger = createLogger(env.LOG_LEVEL, process.stdout.isTTY ? readableLines(process.stdout, true) : undefined);
  const policyFile = choosePolicyFile(env.JIT_POLICY_FILE, process.env.JIT_POLICY_FILE !== undefined);
  if (policyFile !== env.JIT_POLICY_FILE)
    logger.warn(`no ${env.JIT_POLICY_FILE} yet: using ${policyFile} (sandbox roles). Copy it to policy.yaml to define your own.`);
  const policy = loadPolicyFile(policyFile);
  // Signals are handled from here on: one that comes during start-up ends the process at
  // once (a private Redis stops with it, by its exit hook); later ones stop it cleanly.
  const started: { runtime?: Runtime } = {};
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, started.runtime ? 'stopping: no new work; finishing in-flight jobs' : 'stopping before start-up finished');
    await started.runtime?.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  const envWithRedis = await redisForThisProcess(env, role, process.env.REDIS_URL !== undefined, logger);
  const runtime = (started.runtime = await startRuntime({ env: envWithRedis, policy, logger, role }));
  logger.info({ role, url: runtime.url, roles: policy.roles.length }, `jitbot is up${runtime.url ? ` at ${runtime.url}` : ''}`);
  if (runtime.sandboxPage) {
    // The one line a new user needs: printed plainly, not buried in a log field.
    process.stdout.write(
      `\n  SANDBOX — no Slack or Teams credentials set, so jitbot runs against a local fake Slack.\n  Open ${runtime.sandboxPage.url} to try it (nothing reaches Slack or a cloud).\n\n`,
    );
  }
}

main().catch((e: Error) => {
  // Start-up faults (env, policy, Redis, Postgres) carry their own explanation.
  process.stderr.write(`jitbot could not start:\n${e.message}\n`);
  process.exit(1);
});
