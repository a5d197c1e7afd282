import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Figures = Record<string, number | string | boolean | null>;

/** One line of the table: what, the figure, and the goal or baseline beside it. */
export interface Row {
  what: string;
  value: string;
  goal?: string;
}

export function machine(): Figures {
  return {
    date: new Date().toISOString(),
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? 'unknown',
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    node_version: process.version,
    platform: `${os.platform()} ${os.release()}`,
    load_avg_1m_at_start: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

export function table(rows: Row[]): string {
  const width = (k: keyof Row) => Math.max(...rows.map((r) => (r[k] ?? '').length), k.length);
  const [a, b, c] = [width('what'), width('value'), width('goal')];
  const line = (r: Row) => `| ${r.what.padEnd(a)} | ${r.value.padStart(b)} | ${(r.goal ?? '').padEnd(c)} |`;
  return [
    line({ what: 'figure', value: 'value', goal: 'goal / baseline' }),
    `|${'-'.repeat(a + 2)}|${'-'.repeat(b + 1)}:|${'-'.repeat(c + 2)}|`,
    ...rows.map(line),
  ].join('\n');
}

export function writeResults(file: string, figures: Figures, rows: Row[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...figures, table: table(rows) }, null, 2)}\n`);
}
