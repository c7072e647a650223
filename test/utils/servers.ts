import { ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { promisify } from 'node:util';

/**
 * Stopping and starting the servers this machine shares (PostgreSQL, Redis, RabbitMQ) with the commands CI uses.
 * For the fault tests (`*.fault-spec.ts`), which must start again whatever they stopped, in a `finally` or
 * `afterAll` (see `ensureServicesUp`).
 */
const run = promisify(execFile);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it holds (a check that throws counts as not yet); returns how long that took. Throws after
 * `timeoutMs`.
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 100,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    let ok = false;
    try {
      ok = await check();
    } catch {
      ok = false;
    }
    if (ok) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

async function succeeds(file: string, args: string[], timeout = 10_000): Promise<boolean> {
  try {
    await run(file, args, { timeout });
    return true;
  } catch {
    return false;
  }
}

/** How long `start` waits for a server to answer, and `stop` for it to be gone, unless told otherwise. */
export interface WaitOptions {
  waitMs?: number;
}

const pgVersion = (): string => fs.readdirSync('/etc/postgresql').sort().pop()!;
const pgCtl = (action: 'start' | 'stop'): Promise<unknown> =>
  run('pg_ctlcluster', ['--skip-systemctl-redirect', pgVersion(), 'main', action], { timeout: 60_000 });

export const postgres = {
  up: (): Promise<boolean> => succeeds('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-t', '2']),
  /** Fast shutdown: sessions are terminated (57P01), open transactions roll back. */
  stop: async (): Promise<void> => {
    await pgCtl('stop');
  },
  start: async ({ waitMs = 60_000 }: WaitOptions = {}): Promise<void> => {
    if (!(await postgres.up())) await pgCtl('start').catch(() => undefined);
    await waitUntil(() => postgres.up(), waitMs, 'PostgreSQL accepting connections', 250);
  },
};

export const redis = {
  up: async (): Promise<boolean> => {
    try {
      return (await run('redis-cli', ['-p', '6379', 'ping'], { timeout: 2000 })).stdout.trim() === 'PONG';
    } catch {
      return false;
    }
  },
  stop: async ({ waitMs = 10_000 }: WaitOptions = {}): Promise<void> => {
    // redis-cli reports the connection closed by a successful shutdown as an error.
    await run('redis-cli', ['-p', '6379', 'shutdown', 'nosave'], { timeout: 10_000 }).catch(() => undefined);
    await waitUntil(async () => !(await redis.up()), waitMs, 'Redis stopped');
  },
  start: async ({ waitMs = 60_000 }: WaitOptions = {}): Promise<void> => {
    if (!(await redis.up())) {
      await run('redis-server', [
        '--daemonize',
        'yes',
        '--bind',
        '127.0.0.1',
        '-::1',
        '--port',
        '6379',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        '/var/lib/redis',
        '--logfile',
        '/var/log/redis/ci.log',
      ]).catch(() => undefined);
    }
    await waitUntil(() => redis.up(), waitMs, 'Redis answering', 250);
  },
};

/** `rabbitmqctl <args>`; its output. */
export const rabbitmqctl = async (...args: string[]): Promise<string> =>
  (await run('rabbitmqctl', args, { timeout: 60_000 })).stdout;

export const rabbitmq = {
  up: (): Promise<boolean> => portOpen(5672),
  stop: async (): Promise<void> => {
    await rabbitmqctl('stop_app');
  },
  start: async ({ waitMs = 90_000 }: WaitOptions = {}): Promise<void> => {
    if (!(await rabbitmq.up())) {
      const started = await succeeds('rabbitmqctl', ['start_app'], 60_000);
      // A node that is not running at all (not just its app) is started the way CI starts it.
      if (!started) await run('rabbitmq-server', ['-detached']).catch(() => undefined);
    }
    await waitUntil(() => rabbitmq.up(), waitMs, 'RabbitMQ accepting connections', 250);
  },
};

/** For afterAll: whatever happened, every server this machine shares is running again. */
export async function ensureServicesUp(): Promise<void> {
  await Promise.all([postgres.start(), redis.start(), rabbitmq.start()]);
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A Redis server of the test's own, on a free port, with nothing persisted: a test can stop and start it without
 * touching the Redis this machine shares. `dispose` stops it for good (for afterAll).
 */
export class PrivateRedis {
  private proc?: ChildProcess;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const server = new PrivateRedis(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  up(): Promise<boolean> {
    return run('redis-cli', ['-p', String(this.port), 'ping'], { timeout: 2000 }).then(
      (r) => r.stdout.trim() === 'PONG',
      () => false,
    );
  }

  async start({ waitMs = 20_000 }: WaitOptions = {}): Promise<void> {
    if (!this.proc) {
      this.proc = spawn(
        'redis-server',
        ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      this.proc.once('exit', () => (this.proc = undefined));
    }
    await waitUntil(() => this.up(), waitMs, `private Redis on ${this.port} answering`, 100);
  }

  async stop({ waitMs = 10_000 }: WaitOptions = {}): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    await Promise.race([exited, sleep(waitMs)]);
    if (this.proc === proc) {
      proc.kill('SIGKILL');
      await exited;
    }
  }

  dispose(): Promise<void> {
    return this.stop();
  }
}

const pgBin = (name: string): string => `/usr/lib/postgresql/${pgVersion()}/bin/${name}`;
/** PostgreSQL refuses to run as root: its own commands run as the `postgres` user when we are root. */
const asPostgres = (file: string, args: string[], timeout = 60_000): Promise<unknown> =>
  process.getuid?.() === 0
    ? run('runuser', ['-u', 'postgres', '--', file, ...args], { timeout })
    : run(file, args, { timeout });

/**
 * A PostgreSQL cluster of the test's own (initdb into a temporary directory, a free port, fsync off), so that a
 * test can stop and start it without touching the PostgreSQL this machine shares. `stop` is a fast shutdown, as
 * `postgres.stop`; `dispose` stops it and removes its directory (for afterAll).
 */
export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = fs.mkdtempSync('/tmp/table-order-pg-');
    if (process.getuid?.() === 0) fs.chownSync(dir, postgresUid(), postgresGid());
    await asPostgres(pgBin('initdb'), [
      '-D',
      `${dir}/data`,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    const server = new PrivatePostgres(await freePort(), dir);
    await server.start();
    return server;
  }

  /** The `postgres` database, where test databases are created. */
  get adminUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  up(): Promise<boolean> {
    return succeeds('pg_isready', ['-h', '127.0.0.1', '-p', String(this.port), '-t', '2']);
  }

  async start({ waitMs = 60_000 }: WaitOptions = {}): Promise<void> {
    if (!(await this.up())) {
      const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
      await asPostgres(pgBin('pg_ctl'), [
        '-D',
        `${this.dir}/data`,
        '-o',
        options,
        '-l',
        `${this.dir}/log`,
        'start',
      ]);
    }
    await waitUntil(() => this.up(), waitMs, `private PostgreSQL on ${this.port} accepting connections`, 250);
  }

  async stop(): Promise<void> {
    await asPostgres(pgBin('pg_ctl'), ['-D', `${this.dir}/data`, '-m', 'fast', '-w', 'stop']).catch(
      () => undefined,
    );
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function postgresUid(): number {
  return Number(/^postgres:[^:]*:(\d+):/m.exec(fs.readFileSync('/etc/passwd', 'utf8'))?.[1] ?? 0);
}

function postgresGid(): number {
  return Number(/^postgres:[^:]*:\d+:(\d+):/m.exec(fs.readFileSync('/etc/passwd', 'utf8'))?.[1] ?? 0);
}
