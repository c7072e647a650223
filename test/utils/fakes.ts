import type { EntityManager } from 'typeorm';
import type { NewOutboxEvent } from '../../src/modules/events/event-types';
import type { MetricsService } from '../../src/modules/metrics/metrics.service';
import { createMock } from './automock';

/**
 * TransactionService in memory: runs the work at once on one manager and counts what committed (the work
 * resolved) and what rolled back (it threw). `inTransaction` tells a fake repository or outbox whether it is
 * called from inside a transaction.
 */
export class TransactionFake {
  readonly manager = {} as EntityManager;
  commits = 0;
  rollbacks = 0;
  private depth = 0;

  get inTransaction(): boolean {
    return this.depth > 0;
  }

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    this.depth++;
    try {
      const result = await work(this.manager);
      this.depth--;
      this.commits++;
      return result;
    } catch (error) {
      this.depth--;
      this.rollbacks++;
      throw error;
    }
  }
}

/**
 * OutboxService in memory: the events appended (and whether inside the transaction of `tx`), and, for each
 * `committed()` signal to the relay, how many transactions had committed by then.
 */
export class OutboxFake {
  readonly events: Array<NewOutboxEvent & { inTransaction: boolean }> = [];
  readonly signals: number[] = [];

  constructor(private readonly tx: TransactionFake) {}

  append(manager: EntityManager, event: NewOutboxEvent): Promise<{ id: number; eventId: number }> {
    this.events.push({ ...event, inTransaction: this.tx.inTransaction && manager === this.tx.manager });
    return Promise.resolve({ id: this.events.length, eventId: this.events.length });
  }

  committed(): void {
    this.signals.push(this.tx.commits);
  }
}

/** The order metrics as the counters would hold them. */
export function orderMetricsFake() {
  const counted = { created: 0, statusChanges: [] as string[] };
  const metrics = createMock<MetricsService>({
    orderCreated: () => {
      counted.created++;
    },
    orderStatusChanged: (status: string) => {
      counted.statusChanges.push(status);
    },
  });
  return { metrics, counted };
}
