import type { EntityManager } from 'typeorm';
import { createMock } from '../../../test/utils/automock';
import type { AppConfig } from '../../config';
import type { TransactionService } from '../../database/transaction.service';
import type { MetricsService } from '../metrics/metrics.service';
import type { EventBus } from './event-bus';
import type { StoredEvent } from './event-types';
import { OutboxRelay } from './outbox-relay';
import type { ClaimedEvent, OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';

const em = {} as EntityManager;

function event(id: number): ClaimedEvent {
  const stored: StoredEvent = {
    id,
    storeId: 's1',
    seq: id,
    type: 'new_order',
    tableId: 't1',
    payload: { eventId: id, storeId: 's1', tableId: 't1', occurredAt: '2026-01-01T00:00:00.000Z' },
    createdAt: 0,
  };
  return { event: stored, lag: 0.5 };
}

/**
 * The relay against fakes that write what happens to `log`: the claim, the transaction's begin and end, and
 * what the bus was given; `published` holds the lag of every event counted as published.
 */
function setup(
  claims: ClaimedEvent[][],
  publish: (events: StoredEvent[]) => Promise<void> = () => Promise.resolve(),
) {
  const log: string[] = [];
  const published: number[] = [];
  const repository = createMock<OutboxRepository>({
    claimForPublishing: () => {
      log.push('claim');
      return Promise.resolve(claims.shift() ?? []);
    },
  });
  // A transaction that commits when the work resolves and rolls back when it throws, as TransactionService.run.
  const tx = createMock<TransactionService>({
    run: async <T>(work: (m: EntityManager) => Promise<T>): Promise<T> => {
      log.push('begin');
      try {
        const result = await work(em);
        log.push('commit');
        return result;
      } catch (error) {
        log.push('rollback');
        throw error;
      }
    },
  });
  const bus = createMock<EventBus>({
    publish: (events: StoredEvent[]) => {
      log.push(`publish ${events.map((e) => e.id).join(',')}`);
      return publish(events);
    },
  });
  const metrics = createMock<MetricsService>({
    outboxPublished: (lagSeconds: number) => {
      published.push(lagSeconds);
    },
  });
  const relay = new OutboxRelay(new OutboxService(repository), repository, bus, tx, metrics, {
    outboxPollMs: 60000,
  } as AppConfig);
  return { relay, log, published };
}

describe('OutboxRelay', () => {
  it('claims and marks in one statement, publishes, and commits only after the bus confirmed', async () => {
    const { relay, log, published } = setup([[event(1), event(2)]]);
    await relay.wake();
    expect(log).toEqual(['begin', 'claim', 'publish 1,2', 'commit']);
    expect(published).toHaveLength(2);
    expect(published[0]).toBeGreaterThanOrEqual(0.5);
  });

  it('rolls the claim back when the bus refuses, so the rows stay unpublished', async () => {
    const { relay, log, published } = setup([[event(1)]], () =>
      Promise.reject(new Error('rabbitmq is not connected')),
    );
    await relay.wake();
    expect(log).toEqual(['begin', 'claim', 'publish 1', 'rollback']);
    expect(published).toEqual([]);
  });

  it('turns wake-ups during a round into one more round, not one round each', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { relay, log } = setup([[event(1)]], () => held);
    const first = relay.wake();
    await new Promise((resolve) => setImmediate(resolve));
    // Three commits land while the first round waits for its confirms.
    const later = [relay.wake(), relay.wake(), relay.wake()];
    release();
    await Promise.all([first, ...later]);
    // The first round and a single extra one for the three wake-ups.
    expect(log.filter((entry) => entry === 'claim')).toHaveLength(2);
  });
});
