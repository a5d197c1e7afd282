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

/** CPU time (user + system, ms) a process has used, from /proc/<pid>/stat; NaN when unreadable. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/**
 * Waits until a process is idle: under 5% of a core over a second (at most `timeoutMs`),
 * so a measurement does not start while the last phase's work is still being done.
 */
export async function waitUntilIdle(pid: number | undefined, timeoutMs = 60_000): Promise<void> {
  if (!pid) return;
  const deadline = Date.now() + timeoutMs;
  let before = cpuMs(pid);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = cpuMs(pid);
    if (!(now - before > 50)) return;
    before = now;
  }
}
