import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import type { TestEnv } from './app';

/** The real entry point (src/main.ts) in a child process, for tests of logs, signals and crashes. */
const ROOT = path.resolve(__dirname, '../..');

export interface Child {
  proc: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export async function startMain(env: TestEnv, extra: Record<string, string>): Promise<Child> {
  const proc = spawn(
    path.join(ROOT, 'node_modules/.bin/node'),
    ['-r', 'ts-node/register/transpile-only', 'src/main.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, ...env.vars, PORT: '0', LOG_FORMAT: 'json', ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`main.ts did not start:\n${out}`)), 90_000);
    const check = (): void => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace('localhost', '127.0.0.1'));
      }
    };
    proc.stdout!.on('data', check);
    void exited.then(() => reject(new Error(`main.ts exited during start-up:\n${out}`)));
  });
  return { proc, url, output: () => out, exited };
}
