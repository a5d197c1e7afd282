import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JitbotProcess } from '../helpers/jitbot-process';
import { freePort } from '../helpers/ports';
import { TEST_REDIS_URL } from '../helpers/redis';
import { waitFor } from '../helpers/wait';

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
    await expect(started).rejects.toThrow(
      `PORT ${port} on 127.0.0.1 is already in use: another process (another jitbot?) listens there. Stop it, or set PORT to a free port.`,
    );
    await expect(started).rejects.toThrow(/exited \(1\)/);
    await expect(started).rejects.not.toThrow(/database ready/);
  });

  it('a Google Cloud basic role in the policy file: exits naming the file, the role and the key', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jitbot-policy-'));
    try {
      const file = path.join(dir, 'policy.yaml');
      writeFileSync(
        file,
        'approvals: { slack_channel: C0APPROVALS }\nroles:\n  - { id: gcp-owner, provider: gcp, requesters: { anyone: true }, max_duration: 1h, approval: { auto: true }, gcp: { resource: projects/my-prod, role: roles/owner } }\n',
      );
      const started = JitbotProcess.start('all', {
        PORT: '0',
        REDIS_URL: TEST_REDIS_URL,
        JIT_DATA_DIR: 'memory://',
        JIT_POLICY_FILE: file,
      });
      await expect(started).rejects.toThrow(
        `${file}: invalid policy:\n  roles[0] (gcp-owner).gcp.role: roles/owner is a basic role, and IAM conditions cannot be put on basic roles`,
      );
      await expect(started).rejects.not.toThrow(/database ready/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no Redis at an explicit REDIS_URL: exits at once with the real cause and how to get one', async () => {
    const port = await freePort();
    const started = JitbotProcess.start('all', { PORT: '0', REDIS_URL: `redis://127.0.0.1:${port}`, JIT_DATA_DIR: 'memory://' });
    await expect(started).rejects.toThrow(
      `Cannot reach Redis at REDIS_URL=redis://127.0.0.1:${port} (ECONNREFUSED: nothing listens there).`,
    );
    await expect(started).rejects.toThrow('Debian/Ubuntu: sudo apt-get install -y redis-server');
    await expect(started).rejects.not.toThrow(/database ready/);
  });

  it('REDIS_URL unset and no Redis running (a network namespace of its own): npm start runs a private redis-server, says so, and stops it with itself', async () => {
    // Inside its own network namespace nothing listens on 127.0.0.1:6379, as on a fresh laptop.
    const child = spawn('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$0" --import tsx src/main.ts', process.execPath], {
      cwd: path.resolve(__dirname, '../..'),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', JIT_DATA_DIR: 'memory://', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await waitFor(() => out.includes('jitbot is up') || child.exitCode !== null, 'jitbot to start in its namespace', 100_000, 200);
      expect(out).toMatch(
        /REDIS_URL is unset and nothing answers at redis:\/\/127\.0\.0\.1:6379, so jitbot started a private redis-server at redis:\/\/127\.0\.0\.1:\d+ \(loopback only, nothing kept on disk, stopped with jitbot\)/,
      );
      expect(out).toContain('SANDBOX');
      const port = /private redis-server at redis:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1];
      expect(spawnSync('pgrep', ['-f', `redis-server 127.0.0.1:${port}`]).status).toBe(0);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // The private server went with it.
      await waitFor(() => spawnSync('pgrep', ['-f', `redis-server 127.0.0.1:${port}`]).status === 1, 'the private redis-server to stop');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);

  it('in a terminal, with the shipped example policy: readable lines, and no warning about on-call keys', async () => {
    // `script` gives the process a terminal, as a person running npm start has.
    const child = spawn('script', ['-qfec', `"${process.execPath}" --import tsx src/main.ts`, '/dev/null'], {
      cwd: path.resolve(__dirname, '../..'),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        TERM: 'dumb',
        PORT: '0',
        REDIS_URL: TEST_REDIS_URL,
        JIT_DATA_DIR: 'memory://',
        JIT_POLICY_FILE: 'policy.example.yaml',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await waitFor(() => out.includes('jitbot is up') || child.exitCode !== null, 'jitbot to start in a terminal', 100_000, 200);
      // eslint-disable-next-line no-control-regex
      const lines = out.replace(/\u001b\[[0-9;]*m/g, '').split(/\r?\n/);
      expect(lines.find((l) => l.includes('jitbot is up'))).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: jitbot is up at http/);
      expect(lines.filter((l) => l.startsWith('{'))).toEqual([]);
      expect(out).not.toMatch(/PAGERDUTY_API_KEY|OPSGENIE_API_KEY/);
      child.kill('SIGTERM');
      await exited;
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
