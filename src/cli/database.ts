import { parseEnv } from '../config/env';
import { openDatabase, type Database } from '../store/db';

/**
 * The database the bot uses (DATABASE_URL, or the embedded PGlite under
 * JIT_DATA_DIR — which only one process may open: stop the bot first).
 */
export async function openConfiguredDatabase(): Promise<Database> {
  const env = parseEnv();
  return openDatabase({ url: env.DATABASE_URL, dataDir: env.JIT_DATA_DIR, maxConnections: 2 });
}

/** Runs a CLI's main: usage errors exit 2 with the message, failures exit 1. */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (e: Error) => {
      process.stderr.write(`${e instanceof UsageError ? e.message : `error: ${e.message}`}\n`);
      process.exit(e instanceof UsageError ? 2 : 1);
    },
  );
}

/** A bad flag or value: the message says which and what is expected. */
export class UsageError extends Error {}
