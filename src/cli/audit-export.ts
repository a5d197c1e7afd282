import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { exportRows } from '../audit/export';
import { readBetween } from '../store/repos/audit-log';
import { openConfiguredDatabase, runCli } from './database';
import { parseExportArgs } from './export-args';

/** `npm run audit:export -- --since … --until … --format jsonl|csv [--out file]`: audit rows for a SIEM. */
runCli(async () => {
  const options = parseExportArgs(process.argv.slice(2));
  const database = await openConfiguredDatabase();
  const out: Writable = options.out ? createWriteStream(options.out) : process.stdout;
  try {
    const write = async (chunk: string) => {
      if (!out.write(chunk)) await once(out, 'drain');
    };
    const count = await exportRows(readBetween(database.db, options.since, options.until), options.format, write);
    console.error(
      `exported ${count} audit rows (${options.since.toISOString()} ≤ at < ${options.until.toISOString()}) as ${options.format}${options.out ? ` to ${options.out}` : ''}`,
    );
    return 0;
  } finally {
    if (options.out) {
      out.end();
      await once(out, 'finish');
    }
    await database.close();
  }
});
