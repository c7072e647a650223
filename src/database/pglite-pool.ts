import { PGliteDriver } from 'typeorm-pglite';

type Done = (error?: unknown) => void;
type ConnectCallback = (error: unknown, client: unknown, done: Done) => void;

interface PoolLike {
  connect(callback: ConnectCallback): Promise<void>;
}

/**
 * typeorm-pglite hands the single PGlite connection to every query runner at once, so two concurrent
 * transactions would interleave their BEGIN/COMMIT on it. PGlite is one connection by nature, so this pool
 * makes the checkout exclusive: a query runner holds the connection from connect() until it releases it,
 * and the next one waits. Transactions then behave as they do on PostgreSQL, only serialised.
 */
export function createPgliteDriver(dataDir: string): { Pool: new () => PoolLike } {
  const base = new PGliteDriver({ dataDir }).driver as unknown as { Pool: new () => PoolLike };
  const BasePool = base.Pool;

  class ExclusivePGlitePool extends BasePool {
    private queue: Promise<void> = Promise.resolve();

    override connect(callback: ConnectCallback): Promise<void> {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const previous = this.queue;
      this.queue = previous.then(() => held);
      return previous.then(() =>
        super.connect((error, client) => {
          let released = false;
          const done: Done = () => {
            if (released) return;
            released = true;
            release();
          };
          if (error) done();
          callback(error, client, done);
        }),
      );
    }
  }

  return { Pool: ExclusivePGlitePool };
}
