import type { EntityManager } from 'typeorm';
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

function setup(claims: ClaimedEvent[][], publish: jest.Mock = jest.fn().mockResolvedValue(undefined)) {
  const log: string[] = [];
  const repository = {
    claimForPublishing: jest.fn(() => {
      log.push('claim');
      return Promise.resolve(claims.shift() ?? []);
    }),
  };
  // A transaction that commits when the work resolves and rolls back when it throws, as TransactionService.run.
  const tx = {
    run: async (work: (m: EntityManager) => Promise<unknown>) => {
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
  };
  const bus = {
    publish: jest.fn(async (events: StoredEvent[]) => {
      log.push(`publish ${events.map((e) => e.id).join(',')}`);
      return publish(events) as Promise<void>;
    }),
  };
  const metrics = { outboxPublished: jest.fn() };
  const outbox = new OutboxService(repository as unknown as OutboxRepository);
  const relay = new OutboxRelay(
    outbox,
    repository as unknown as OutboxRepository,
    bus as unknown as EventBus,
    tx as unknown as TransactionService,
    metrics as unknown as MetricsService,
    { outboxPollMs: 60000 } as AppConfig,
  );
  return { relay, repository, bus, metrics, log };
}

describe('OutboxRelay', () => {
  it('claims and marks in one statement, publishes, and commits only after the bus confirmed', async () => {
    const { relay, metrics, log } = setup([[event(1), event(2)]]);
    await relay.wake();
    expect(log).toEqual(['begin', 'claim', 'publish 1,2', 'commit']);
    expect(metrics.outboxPublished).toHaveBeenCalledTimes(2);
    expect(metrics.outboxPublished.mock.calls[0][0]).toBeGreaterThanOrEqual(0.5);
  });

  it('rolls the claim back when the bus refuses, so the rows stay unpublished', async () => {
    const refuse = jest.fn().mockRejectedValue(new Error('rabbitmq is not connected'));
    const { relay, metrics, log } = setup([[event(1)]], refuse);
    await relay.wake();
    expect(log).toEqual(['begin', 'claim', 'publish 1', 'rollback']);
    expect(metrics.outboxPublished).not.toHaveBeenCalled();
  });

  it('turns wake-ups during a round into one more round, not one round each', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { relay, repository } = setup(
      [[event(1)]],
      jest.fn(() => held),
    );
    const first = relay.wake();
    await new Promise((resolve) => setImmediate(resolve));
    // Three commits land while the first round waits for its confirms.
    const later = [relay.wake(), relay.wake(), relay.wake()];
    release();
    await Promise.all([first, ...later]);
    // The first round and a single extra one for the three wake-ups.
    expect(repository.claimForPublishing).toHaveBeenCalledTimes(2);
  });
});
