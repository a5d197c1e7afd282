import { formatDuration, parseDurationMs } from '../../../src/lib/duration';

describe('durations', () => {
  it.each([
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['90m', 5_400_000],
    ['2d', 172_800_000],
    ['45s', 45_000],
    ['1H', 3_600_000],
    ['1 hour', 3_600_000],
    ['3 hours', 10_800_000],
    ['90 minutes', 5_400_000],
    ['90min', 5_400_000],
    ['2 days', 172_800_000],
  ])('parses %s', (text, ms) => expect(parseDurationMs(text)).toBe(ms));

  it.each(['', '0m', '-1h', '1.5h', '1e3m', '1.5 hours', '3 fortnights', '0 hours', 'fix', 'h', '1m1h', '3'])('refuses %p', (text) =>
    expect(parseDurationMs(text)).toBeNull(),
  );

  it('formats for people', () => {
    expect(formatDuration(5_400_000)).toBe('1h 30m');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(90_061_000)).toBe('1d 1h 1m 1s');
  });
});
