import { DatabaseClock } from '../../src/store/database-clock';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { captureLogger } from '../helpers/logger';

/** The shared clock against a real Postgres: this machine's clock shifted by hand, the database's as it is. */
describe('DatabaseClock', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
  });
  afterAll(() => db.destroy());
  afterEach(() => jest.restoreAllMocks());

  it('agrees with the database when the machine clock does, and says nothing', async () => {
    const { logger, lines } = captureLogger('info');
    const clock = await DatabaseClock.start(db.db, logger);
    clock.stop();
    expect(Math.abs(clock.offset)).toBeLessThan(1000);
    expect(lines.join('')).not.toContain('clock');
  });

  it('keeps the database time on a machine 30 s behind, and warns', async () => {
    const realNow = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() - 30_000);
    const { logger, lines } = captureLogger('info');
    const clock = await DatabaseClock.start(db.db, logger);
    clock.stop();
    expect(Math.abs(clock.now().getTime() - realNow())).toBeLessThan(1000);
    expect(lines.join('')).toMatch(/this machine's clock is 30\.\d s behind the database's/);
  });

  it('keeps the database time on a machine 45 s ahead, and warns', async () => {
    const realNow = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 45_000);
    const { logger, lines } = captureLogger('info');
    const clock = await DatabaseClock.start(db.db, logger);
    clock.stop();
    expect(Math.abs(clock.now().getTime() - realNow())).toBeLessThan(1000);
    expect(lines.join('')).toMatch(/this machine's clock is 45\.\d s ahead of the database's/);
  });
});
