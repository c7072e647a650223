import * as http from 'node:http';
import { DEMO } from '../../src/database/seed.service';
import { createTestEnv, TestEnv } from '../utils/app';
import { Child, startMain } from '../utils/main-process';

/**
 * The real entry point (src/main.ts) in a child process: what its stdout logs contain, and what SIGTERM does to
 * requests in flight. Runs under both suites (embedded defaults, and PostgreSQL/Redis/RabbitMQ under services).
 */
function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
}

interface Outcome {
  status?: number;
  error?: string;
  sentAt: number;
}

/** One request on a keep-alive agent; resolves with its status or the socket error, never rejects. */
function send(
  agent: http.Agent,
  url: string,
  p: string,
  headers: Record<string, string> = {},
): Promise<Outcome> {
  const sentAt = Date.now();
  return new Promise((resolve) => {
    const req = http.get(`${url}${p}`, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, sentAt }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message, sentAt }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message, sentAt }));
  });
}

/** A login whose body is sent in two halves: the server has accepted the request long before it can answer. */
function slowLogin(
  url: string,
  body: string,
  secondHalf: Promise<void>,
): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = http.request(`${url}/api/v1/auth/admin-login`, {
      method: 'POST',
      agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    void secondHalf.then(() => req.end(body.slice(half)));
  });
}

describe('operations: the process (logs and graceful shutdown)', () => {
  let env: TestEnv;
  let child: Child | undefined;

  beforeAll(async () => {
    env = await createTestEnv();
    child = await startMain(env, { LOG_LEVEL: 'info', DEMO_SEED: 'true', SHUTDOWN_GRACE_MS: '10000' });
  }, 120_000);

  afterAll(async () => {
    if (child && child.proc.exitCode === null) {
      child.proc.kill('SIGKILL');
      await child.exited;
    }
    await env.dispose();
  });

  it('logs one JSON line per request with route template, status, duration, request id and principal, and never a secret', async () => {
    const c = child!;
    const secret = 'Wr0ng-but-secret-password!';
    const failed = await fetch(`${c.url}/api/v1/auth/admin-login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'log-fail-1' },
      body: JSON.stringify({ storeCode: DEMO.storeCode, username: DEMO.admin.username, password: secret }),
    });
    expect(failed.status).toBe(401);
    const login = await fetch(`${c.url}/api/v1/auth/admin-login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        storeCode: DEMO.storeCode,
        username: DEMO.admin.username,
        password: DEMO.admin.password,
      }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const me = await fetch(`${c.url}/api/v1/auth/me`, {
      headers: { Authorization: `Bearer ${accessToken}`, 'X-Request-Id': 'log-me-1' },
    });
    expect(me.status).toBe(200);
    const { adminId } = (await me.json()) as { adminId: string };
    await fetch(`${c.url}/api/v1/admin/events?ticket=tkt-secret-value-123`, {
      headers: { 'X-Request-Id': 'log-ticket-1' },
    });

    // pino writes asynchronously: wait until the last request's line is out.
    const deadline = Date.now() + 5000;
    while (!c.output().includes('"log-ticket-1"') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const lines = jsonLines(c.output());
    const meLine = lines.find((l) => l.requestId === 'log-me-1' && l.msg === 'request completed');
    expect(meLine).toMatchObject({
      level: 30,
      route: '/api/v1/auth/me',
      principal: `admin:${adminId}`,
      req: { method: 'GET', url: '/api/v1/auth/me' },
      res: { statusCode: 200 },
      durationMs: expect.any(Number),
    });
    const summaries = (id: string) =>
      lines.filter((l) => l.requestId === id && /^request (completed|failed)$/.test(String(l.msg)));
    expect(summaries('log-me-1')).toHaveLength(1);
    expect(summaries('log-fail-1')).toHaveLength(1);
    const failLine = summaries('log-fail-1')[0];
    expect(failLine).toMatchObject({ route: '/api/v1/auth/admin-login', res: { statusCode: 401 } });

    const everything = c.output();
    expect(everything).not.toContain(secret);
    // main.ts prints the demo credentials on purpose, once, outside the JSON logs; the logs never carry them.
    const logs = c
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .join('\n');
    expect(logs).not.toContain(DEMO.admin.password);
    expect(everything).not.toContain(accessToken);
    expect(everything).not.toContain(accessToken.split('.')[2]);
    expect(everything).not.toContain('tkt-secret-value-123');
    expect(everything).not.toMatch(/"(password|accessToken|authorization)"\s*:/i);
  });

  it('on SIGTERM finishes every accepted request under load, fails none, and exits 0 within 30 s', async () => {
    const c = child!;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const outcomes: Outcome[] = [];
    let stop = false;
    const worker = async (p: string): Promise<void> => {
      while (!stop) outcomes.push(await send(agent, c.url, p));
    };
    const workers = [
      ...Array.from({ length: 6 }, () => worker('/health/live')),
      ...Array.from({ length: 2 }, () => worker('/docs-json')),
      ...Array.from({ length: 2 }, () => worker('/metrics')),
    ];
    let releaseBodies!: () => void;
    const bodiesReleased = new Promise<void>((r) => (releaseBodies = r));
    const body = JSON.stringify({
      storeCode: DEMO.storeCode,
      username: DEMO.admin.username,
      password: DEMO.admin.password,
    });
    const slow = Array.from({ length: 3 }, () => slowLogin(c.url, body, bodiesReleased));

    await new Promise((r) => setTimeout(r, 1500));
    const sigtermAt = Date.now();
    c.proc.kill('SIGTERM');
    // The slow requests were accepted before SIGTERM; their bodies arrive after it.
    await new Promise((r) => setTimeout(r, 800));
    releaseBodies();
    const exit = await c.exited;
    stop = true;
    await Promise.all(workers);
    agent.destroy();
    const slowResults = await Promise.all(slow);

    expect(exit.code).toBe(0);
    expect(exit.at - sigtermAt).toBeLessThan(30_000);
    for (const r of slowResults) {
      expect(r.error).toBeUndefined();
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body!).accessToken).toEqual(expect.any(String));
    }
    const before = outcomes.filter((o) => o.sentAt < sigtermAt);
    expect(before.length).toBeGreaterThan(20);
    // Every request that got an answer got a 2xx: none was cut off or refused with an error status.
    const answered = outcomes.filter((o) => o.status !== undefined);
    expect(answered.filter((o) => o.status! < 200 || o.status! >= 300)).toEqual([]);
    // The only failures are connections the closed server no longer accepted, all after SIGTERM.
    const failures = outcomes.filter((o) => o.error);
    expect(failures.filter((o) => o.sentAt < sigtermAt)).toEqual([]);
    expect(new Set(failures.map((f) => f.error))).toEqual(
      new Set(failures.map((f) => f.error).filter((e) => ['ECONNREFUSED', 'ECONNRESET'].includes(e!))),
    );
    const lines = jsonLines(c.output());
    expect(lines.some((l) => l.msg === 'draining')).toBe(true);
    expect(lines.some((l) => l.msg === 'shut down')).toBe(true);
  }, 60_000);
});
