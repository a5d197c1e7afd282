import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports';

const BIN = path.join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort().at(-1) ?? '', 'bin');

/** Runs a Postgres tool as the postgres user (initdb refuses root). */
function asPostgres(tool: string, args: string[]): void {
  const command = [path.join(BIN, tool), ...args];
  if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', ...command], { stdio: 'pipe' });
  else execFileSync(command[0]!, command.slice(1), { stdio: 'pipe' });
}

/**
 * A throwaway Postgres cluster of its own (about a second to start), for tests that
 * restart or stop the database — never the machine's shared server.
 */
export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(path.join(tmpdir(), 'jitbot-pg-'));
    chmodSync(dir, 0o777);
    const pg = new PrivatePostgres(dir, await freePort());
    asPostgres('initdb', ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    pg.up();
    return pg;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  up(): void {
    asPostgres('pg_ctl', ['-D', path.join(this.dir, 'data'), '-o', this.serverOptions, '-w', '-l', path.join(this.dir, 'log'), 'start']);
  }

  /** `pg_ctl restart -m fast`, as an operator's restart or a managed database's maintenance does. */
  restart(): void {
    asPostgres('pg_ctl', [
      '-D',
      path.join(this.dir, 'data'),
      '-o',
      this.serverOptions,
      '-m',
      'fast',
      '-w',
      '-l',
      path.join(this.dir, 'log'),
      'restart',
    ]);
  }

  private get serverOptions(): string {
    return `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  }

  /** Immediate stop: connections drop as in a crash. */
  down(): void {
    asPostgres('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  }

  destroy(): void {
    try {
      this.down();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
