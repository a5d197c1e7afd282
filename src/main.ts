import { parseArgs } from 'node:util';
import { parseEnv } from './config/env';
import { choosePolicyFile, loadPolicyFile } from './config/policy-file';
import { createLogger } from './lib/logger';
import { startRuntime, type ProcessRole } from './runtime';

/** `npm start` (web + workers), `npm run start:web`, `npm run start:worker`. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { role: { type: 'string', default: 'all' } } });
  const role = values.role as ProcessRole;
  if (!['all', 'web', 'worker'].includes(role)) throw new Error(`--role must be all, web or worker (got "${role}")`);
  const env = parseEnv();
  const logger = createLogger(env.LOG_LEVEL);
  const policyFile = choosePolicyFile(env.JIT_POLICY_FILE, process.env.JIT_POLICY_FILE !== undefined);
  if (policyFile !== env.JIT_POLICY_FILE) logger.warn(`no ${env.JIT_POLICY_FILE} yet: using ${policyFile} (sandbox roles). Copy it to policy.yaml to define your own.`);
  const policy = loadPolicyFile(policyFile);
  const runtime = await startRuntime({ env, policy, logger, role });
  logger.info({ role, url: runtime.url, roles: policy.roles.length }, `jitbot is up${runtime.url ? ` at ${runtime.url}` : ''}`);
  if (runtime.sandboxPage) {
    // The one line a new user needs: printed plainly, not buried in a log field.
    process.stdout.write(`\n  SANDBOX — no Slack or Teams credentials set, so jitbot runs against a local fake Slack.\n  Open ${runtime.sandboxPage.url} to try it (nothing reaches Slack or a cloud).\n\n`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new work; finishing in-flight jobs');
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e: Error) => {
  // Start-up faults (env, policy, Redis, Postgres) carry their own explanation.
  process.stderr.write(`jitbot could not start:\n${e.message}\n`);
  process.exit(1);
});
