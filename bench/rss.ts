import { readFileSync, writeFileSync } from 'node:fs';

export interface Memory {
  /** Peak resident set since start (or since the last reset), MB. */
  peakMb: number;
  /** Resident set now, MB. */
  nowMb: number;
}

function field(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Math.round(Number(match[1]) / 102.4) / 10 : NaN;
}

/** VmHWM and VmRSS of a process, from /proc (Linux). */
export function readMemory(pid: number | undefined): Memory {
  if (!pid) return { peakMb: NaN, nowMb: NaN };
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { peakMb: field(status, 'VmHWM'), nowMb: field(status, 'VmRSS') };
  } catch {
    return { peakMb: NaN, nowMb: NaN };
  }
}

/**
 * Resets a process's peak (VmHWM) to its current RSS (`5` to /proc/<pid>/clear_refs),
 * so the next peak is that of one phase. False where the kernel or rights refuse it.
 */
export function resetPeak(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
