import { parseEnv } from '../config/env';
import { openDatabase } from './db';

/** `npm run migrate`: applies migrations to DATABASE_URL (or the embedded database) and exits. */
async function run(): Promise<void> {
  const env = parseEnv();
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: env.JIT_DATA_DIR });
  try {
    await database.migrate();
    process.stdout.write(`migrations applied (${database.kind})\n`);
  } finally {
    await database.close();
  }
}

run().catch((e: Error) => {
  process.stderr.write(`migrate failed: ${e.message}\n`);
  process.exit(1);
});
