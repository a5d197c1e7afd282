import { verifyChain } from '../audit/verify';
import { readChain } from '../store/repos/audit-log';
import { openConfiguredDatabase, runCli } from './database';

/** `npm run audit:verify`: walks the audit hash chain; exit 1 names the first broken row. */
runCli(async () => {
  const database = await openConfiguredDatabase();
  try {
    const report = await verifyChain(readChain(database.db));
    const legacy = report.unchained ? ` (${report.unchained} older rows predate the chain)` : '';
    if (report.ok) {
      console.log(`audit chain OK: ${report.verified} rows verified${legacy}; head is row ${report.head?.id ?? '-'} ${report.head?.hash ?? ''}`.trim());
      return 0;
    }
    console.error(`audit chain BROKEN at row ${report.firstBreak!.id}: ${report.firstBreak!.reason}`);
    console.error(`${report.verified} rows before it verified${legacy}.`);
    return 1;
  } finally {
    await database.close();
  }
});
