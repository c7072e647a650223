import { Logger } from '@nestjs/common';
import type { DependencyStatus } from '../metrics/dependency-status';

/** At most one warning per this long about shared-store failures the Redis client did not report. */
const WARNING_EVERY_MS = 10_000;

/**
 * A store shared by every instance through Redis, and this instance's own in memory while Redis is unreachable:
 * the login lockout and the rate limits keep being enforced during an outage, each instance counting on its own
 * (API.md: a client spread over N instances may get up to N times a limit), never not at all. Every call tries
 * Redis first (the client fails fast while disconnected), so the counts are shared again as soon as it is back,
 * without a restart. Counts made meanwhile stay in memory and are not carried over.
 *
 * The outage itself is logged once by DependencyStatus; only a failure while Redis is believed up (a script
 * error, a full server) is warned about here.
 */
export class SharedOrLocal<S> {
  private readonly logger: Logger;
  private lastWarning = 0;

  constructor(
    private readonly shared: S,
    private readonly local: S,
    /** The logger's context: `LoginLockout`, `RateLimit`. */
    context: string,
    private readonly dependencies?: DependencyStatus,
  ) {
    this.logger = new Logger(context);
  }

  async run<T>(work: (store: S) => Promise<T>): Promise<T> {
    try {
      return await work(this.shared);
    } catch (error) {
      if (!this.dependencies?.isDown('redis') && Date.now() - this.lastWarning > WARNING_EVERY_MS) {
        this.lastWarning = Date.now();
        this.logger.warn({ err: (error as Error).message }, 'counted per instance: the shared store failed');
      }
      return work(this.local);
    }
  }
}
