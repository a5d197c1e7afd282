import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JitbotProcess } from '../helpers/jitbot-process';
import { TEST_REDIS_URL } from '../helpers/redis';

/** What `npm start` says when it cannot start: at once, naming the setting to change. */
describe('start-up messages', () => {
  let busy: Server;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  it('a port already in use: exits at once naming PORT, before opening the database (which takes seconds)', async () => {
    const port = (busy.address() as AddressInfo).port;
    const started = JitbotProcess.start('all', { PORT: String(port), REDIS_URL: TEST_REDIS_URL, JIT_DATA_DIR: 'memory://' });
    await expect(started).rejects.toThrow(`PORT ${port} on 127.0.0.1 is already in use: another process (another jitbot?) listens there. Stop it, or set PORT to a free port.`);
    await expect(started).rejects.toThrow(/exited \(1\)/);
    await expect(started).rejects.not.toThrow(/database ready/);
  });
});
