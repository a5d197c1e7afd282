// Prints the fault suite's summary table: each case, what was injected, what was measured.
const { existsSync, readFileSync, rmSync } = require('node:fs');
const path = require('node:path');

const FILE = path.resolve(__dirname, '../../test-results/faults.jsonl');

class FaultSummaryReporter {
  onRunStart() {
    rmSync(FILE, { force: true });
  }

  onRunComplete(_contexts, results) {
    const rows = existsSync(FILE)
      ? readFileSync(FILE, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
    const head = { case: 'case', injected: 'injected', result: 'measured result' };
    const all = [head, ...rows];
    const width = (k) => Math.min(60, Math.max(...all.map((r) => String(r[k]).length)));
    const cell = (v, k) => String(v).slice(0, 60).padEnd(width(k));
    const line = (r) => `| ${cell(r.case, 'case')} | ${cell(r.injected, 'injected')} | ${String(r.result)} |`;
    process.stdout.write(`\nFault suite summary (${results.numPassedTests} passed, ${results.numFailedTests} failed)\n`);
    process.stdout.write(`${line(head)}\n|${'-'.repeat(width('case') + 2)}|${'-'.repeat(width('injected') + 2)}|---|\n`);
    for (const r of rows) process.stdout.write(`${line(r)}\n`);
  }
}

module.exports = FaultSummaryReporter;
