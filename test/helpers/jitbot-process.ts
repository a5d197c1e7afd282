import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_POLICY_YAML } from './policy';
import { waitFor } from './wait';

const ROOT = path.resolve(__dirname, '../..');

/** The test policy as a file, for child processes. */
export function writeTestPolicy(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'jitbot-policy-')), 'policy.yaml');
  writeFileSync(file, TEST_POLICY_YAML);
  return file;
}

/**
 * jitbot as a real operating-system process (`node --import tsx src/main.ts`), so
 * tests can SIGKILL or SIGTERM it mid-work.
 */
export class JitbotProcess {
  readonly lines: string[] = [];
  private exit?: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let buffer = '';
    const collect = (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      this.lines.push(...parts);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
  }

  /** `nodeArgs` go before the script (the bench passes `--cpu-prof`, which NODE_OPTIONS refuses). */
  static async start(role: 'all' | 'web' | 'worker', env: Record<string, string>, nodeArgs: string[] = []): Promise<JitbotProcess> {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts', '--role', role], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new JitbotProcess(child);
    const isUp = () => proc.lines.some((l) => l.includes('jitbot is up'));
    // Up or gone: either ends the wait. A start on a loaded machine (migrations, retries) can take most of a minute.
    await waitFor(() => isUp() || proc.exited !== undefined, `jitbot ${role} process to start`, 90_000, 100).catch((e: unknown) => {
      child.kill('SIGKILL'); // never left running behind a failed test
      throw e;
    });
    if (!isUp()) {
      const code = await proc.exit!;
      await new Promise<void>((resolve) => (child.stdout?.readableEnded ? resolve() : child.stdout?.once('close', () => resolve())));
      throw new Error(`jitbot ${role} process exited (${code}) before it was up:\n${proc.lines.join('\n')}`);
    }
    return proc;
  }

  /** The HTTP base URL the process printed (web and all roles). */
  get url(): string | undefined {
    for (const line of this.lines) {
      const match = /"url":"(http:[^"]+)"/.exec(line);
      if (match) return match[1];
    }
    return undefined;
  }

  /** The operating-system process id (the bench reads its peak memory from /proc). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The exit code once the process has ended (null while it runs, or when a signal ended it). */
  get exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.child.exitCode === null && this.child.signalCode === null
      ? undefined
      : { code: this.child.exitCode, signal: this.child.signalCode };
  }

  /** Sends the signal and resolves with the exit code (null when killed by the signal). */
  async stop(signal: NodeJS.Signals): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exit!;
  }
}
