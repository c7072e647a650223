import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { ShutdownState } from './shutdown-state';

/** Kubernetes' default terminationGracePeriodSeconds is 30; infra/ sets 45 with a 5 s preStop sleep. */
export const HARD_EXIT_MS = 28_000;

/**
 * SIGTERM / SIGINT, in this order:
 *  1. readiness fails (`shutdown` check) and responses carry `Connection: close`;
 *  2. the listening socket closes (no new connection is accepted) and idle keep-alive connections are closed;
 *  3. requests already accepted finish, up to `graceMs` (SSE streams are not waited for);
 *  4. `app.close()`: the events module closes SSE streams with a final comment and flushes the outbox relay in its
 *     shutdown hooks, then the HTTP server, Redis, RabbitMQ and the database pool are closed;
 *  5. exit 0, or exit 1 if anything above is still hanging after HARD_EXIT_MS.
 */
export function installGracefulShutdown(
  app: INestApplication,
  graceMs: number,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  const logger = new Logger('Shutdown');
  let started = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (started) return;
    started = true;
    const startedAt = Date.now();
    const hardExit = setTimeout(() => {
      logger.error({ signal }, `shutdown still incomplete after ${HARD_EXIT_MS} ms; exiting`);
      exit(1);
    }, HARD_EXIT_MS);
    hardExit.unref();
    try {
      const state = app.get(ShutdownState);
      state.beginDraining();
      const server = app.getHttpServer() as Server;
      server.close();
      server.closeIdleConnections();
      logger.log({ signal, pending: state.pendingRequests() }, 'draining');
      const idle = await state.waitForIdle(graceMs);
      if (!idle) {
        logger.warn({ pending: state.pendingRequests(), graceMs }, 'grace period over with requests pending');
      }
      // Connections that served their last request during the drain are idle now.
      server.closeIdleConnections();
      await app.close();
      logger.log({ durationMs: Date.now() - startedAt }, 'shut down');
      clearTimeout(hardExit);
      exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      exit(1);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, (s) => void shutdown(s));
  }
}
