import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export const FAULT_RESULTS_FILE = path.resolve(__dirname, '../../test-results/faults.jsonl');

/** One row of the fault suite's summary: what was injected and what was measured. */
export interface FaultResult {
  case: string;
  injected: string;
  result: string;
}

/** Records a measured outcome for the summary table (printed by summary-reporter.js). */
export function recordFault(row: FaultResult): void {
  mkdirSync(path.dirname(FAULT_RESULTS_FILE), { recursive: true });
  appendFileSync(FAULT_RESULTS_FILE, `${JSON.stringify(row)}\n`);
}
