import { parseArgs } from 'node:util';
import { z } from 'zod';
import { EXPORT_FORMATS, type ExportFormat } from '../audit/export';
import { UsageError } from './database';

export const EXPORT_USAGE =
  'usage: npm run audit:export -- --since <date|datetime> --until <date|datetime> [--format jsonl|csv] [--out <file>]\n' +
  '  dates: 2026-11-24 (midnight UTC) or 2026-11-24T09:00:00+01:00; --until is exclusive.';

const instant = (flag: string) =>
  z
    .string({ error: `--${flag} is required` })
    .refine((s) => z.iso.date().safeParse(s).success || z.iso.datetime({ offset: true }).safeParse(s).success, {
      error: (issue) => `--${flag} "${String(issue.input)}" is not a date (2026-11-24) or date-time with a zone (2026-11-24T09:00:00Z)`,
    })
    .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s));

const ExportArgs = z
  .object({
    since: instant('since'),
    until: instant('until'),
    format: z.enum(EXPORT_FORMATS, { error: (issue) => `--format must be jsonl or csv (got "${String(issue.input)}")` }).default('jsonl'),
    out: z.string().min(1, '--out needs a file name').optional(),
  })
  .refine((a) => a.since < a.until, { error: '--since must be before --until' });

export interface ExportOptions {
  since: Date;
  until: Date;
  format: ExportFormat;
  out?: string;
}

/** Parses `audit:export` flags; every mistake becomes a UsageError that names the flag. */
export function parseExportArgs(argv: string[]): ExportOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { since: { type: 'string' }, until: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${EXPORT_USAGE}`);
  }
  const parsed = ExportArgs.safeParse(values);
  if (!parsed.success) throw new UsageError(`${parsed.error.issues.map((i) => i.message).join('\n')}\n${EXPORT_USAGE}`);
  return parsed.data;
}
