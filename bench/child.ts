import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/**
 * A small TypeScript script of the bench run as its own process (the fake Slack API,
 * the bare Bolt app), so its work does not share an event loop with the load tool.
 * The script prints one JSON line `{"url": …}` when it listens.
 */
export class ChildScript {
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(script: string, env: Record<string, string> = {}): Promise<{ proc: ChildScript; url: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const proc = new ChildScript(child);
    const url = await new Promise<string>((resolve, reject) => {
      let buffer = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const match = /\{"url":"([^"]+)"\}/.exec(buffer);
        if (match) resolve(match[1]!);
      });
      void proc.exited.then((code) => reject(new Error(`${script} exited (${code}) before it listened`)));
      setTimeout(() => reject(new Error(`${script} did not listen within 30 s`)), 30_000).unref();
    });
    return { proc, url };
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}
