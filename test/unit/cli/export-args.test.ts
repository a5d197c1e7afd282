import { UsageError } from '../../../src/cli/database';
import { parseExportArgs } from '../../../src/cli/export-args';

const usage = (argv: string[]) => {
  try {
    parseExportArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return e.message.split('\n')[0];
    throw e;
  }
  throw new Error('expected a usage error');
};

describe('audit:export flags', () => {
  it('accepts dates and zoned date-times; jsonl by default', () => {
    expect(parseExportArgs(['--since', '2026-11-23', '--until', '2026-11-24T09:30:00+01:00'])).toEqual({
      since: new Date('2026-11-23T00:00:00Z'),
      until: new Date('2026-11-24T08:30:00Z'),
      format: 'jsonl',
    });
    expect(parseExportArgs(['--since=2026-11-23', '--until=2026-11-24', '--format=csv', '--out', 'a.csv'])).toMatchObject({
      format: 'csv',
      out: 'a.csv',
    });
  });

  it('names the bad flag', () => {
    expect(usage(['--until', '2026-11-24'])).toBe('--since is required');
    expect(usage(['--since', 'yesterday', '--until', '2026-11-24'])).toBe(
      '--since "yesterday" is not a date (2026-11-24) or date-time with a zone (2026-11-24T09:00:00Z)',
    );
    expect(usage(['--since', '2026-11-23T10:00:00', '--until', '2026-11-24'])).toContain('--since "2026-11-23T10:00:00" is not a date');
    expect(usage(['--since', '2026-11-23', '--until', '2026-11-24', '--format', 'xml'])).toBe('--format must be jsonl or csv (got "xml")');
    expect(usage(['--since', '2026-11-24', '--until', '2026-11-23'])).toBe('--since must be before --until');
    expect(usage(['--since', '2026-11-23', '--until', '2026-11-24', '--formt', 'csv'])).toContain("Unknown option '--formt'");
    expect(usage(['--since', '2026-11-23', '--until', '2026-11-24', 'extra'])).toContain("Unexpected argument 'extra'");
  });
});
