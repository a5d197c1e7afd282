import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/store/db';

export type DbKind = 'postgres' | 'pglite';

/** Where tests create their throwaway databases (`.ci/run` sets it). */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase extends Database {
  url?: string;
  /** Closes and drops the database. */
  destroy(): Promise<void>;
}

/**
 * A fresh, migrated database: a new `jitbot_test_<random>` database on the Postgres
 * server, or an in-memory PGlite. The name check guards against ever dropping a
 * database that is not a test one.
 */
export async function createTestDatabase(kind: DbKind, serverUrl = TEST_DATABASE_URL): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const db = await openDatabase({ dataDir: 'memory://' });
    await db.migrate();
    return { ...db, destroy: () => db.close() };
  }
  const name = `jitbot_test_${randomBytes(5).toString('hex')}`;
  if (!name.includes('test')) throw new Error('refusing to use a database whose name lacks "test"');
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), dataDir: 'unused' });
  await db.migrate();
  return {
    ...db,
    url: url.toString(),
    destroy: async () => {
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
