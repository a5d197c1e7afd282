import { verifyChain } from '../audit/verify';
import { readChain, unsealedSummary } from '../store/repos/audit-log';
import { openConfiguredDatabase, runCli } from './database';

/** `npm run audit:verify`: walks the audit hash chain; exit 1 names the first broken row. */
runCli(async () => {
  const database = await openConfiguredDatabase();
  try {
    const report = await verifyChain(readChain(database.db));
    // Rows are sealed within moments of their commit; old unsealed rows mean no jitbot process has run since.
    const unsealed = await unsealedSummary(database.db);
    const waiting = unsealed.count
      ? `; ${unsealed.count} newer rows await their seal (oldest at ${unsealed.oldest?.toISOString()}; jitbot seals them when it runs)`
      : '';
    if (report.ok) {
      console.log(
        `audit chain OK: ${report.verified} rows verified; head is row ${report.head?.id ?? '-'} ${report.head?.hash ?? ''}${waiting}`,
      );
      return 0;
    }
    console.error(`audit chain BROKEN at row ${report.firstBreak!.id}: ${report.firstBreak!.reason}`);
    console.error(`${report.verified} rows before it verified${waiting}.`);
    return 1;
  } finally {
    await database.close();
  }
});
