import { OutboxRepository } from '../../src/modules/events/outbox.repository';
import { createStore, createTable } from '../factories';
import { openTransaction, useTestDatabase } from './database';

describe('OutboxRepository (PostgreSQL)', () => {
  const db = useTestDatabase((ds) => ({ outbox: new OutboxRepository(ds) }));

  const reset = (storeId: string, tableId: string | null) =>
    ({ storeId, type: 'table_reset', tableId, data: { sessionId: 's', completedAt: 'c' } }) as const;

  it('numbers each store’s events from 1 and wraps the data in the envelope', async () => {
    const [a, b] = [await createStore(db.ds), await createStore(db.ds)];
    const table = await createTable(db.ds, a.id);
    const ids = [];
    for (const storeId of [a.id, a.id, b.id, a.id])
      ids.push((await db.outbox.append(db.ds.manager, reset(storeId, null))).eventId);
    expect(ids).toEqual([1, 2, 1, 3]);
    await db.outbox.append(db.ds.manager, reset(a.id, table.id));

    const events = await db.outbox.eventsAfter(a.id, 2);
    expect(events.map((e) => e.seq)).toEqual([3, 4]);
    expect(events[1]).toMatchObject({ type: 'table_reset', tableId: table.id });
    expect(events[1].payload).toMatchObject({ eventId: 4, storeId: a.id, tableId: table.id, sessionId: 's' });
    expect(new Date(String(events[1].payload.occurredAt)).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect((await db.outbox.eventsAfter(a.id, 0, { tableId: table.id })).map((e) => e.seq)).toEqual([4]);
    expect(await db.outbox.lastSeqs([a.id, b.id])).toEqual(
      new Map([
        [a.id, 4],
        [b.id, 1],
      ]),
    );
    expect(await db.outbox.window(a.id)).toEqual({ lastSeq: 4, oldestSeq: 1 });
  });

  it('relays claim disjoint rows (SKIP LOCKED); a rolled-back claim leaves them to the next', async () => {
    const store = await createStore(db.ds);
    for (let i = 0; i < 4; i++) await db.outbox.append(db.ds.manager, reset(store.id, null));
    const mine = (claimed: Awaited<ReturnType<OutboxRepository['claimForPublishing']>>) =>
      claimed.filter((c) => c.event.storeId === store.id).map((c) => c.event.seq);

    const first = await openTransaction(db.ds);
    const second = await openTransaction(db.ds);
    const a = mine(await db.outbox.claimForPublishing(first.em, 1000));
    const b = mine(await db.outbox.claimForPublishing(second.em, 1000));
    expect([a, b]).toEqual([[1, 2, 3, 4], []]);
    await first.rollback();
    await second.rollback();

    const relay = await openTransaction(db.ds);
    expect(mine(await db.outbox.claimForPublishing(relay.em, 1000))).toEqual([1, 2, 3, 4]);
    await relay.commit();
    const again = await openTransaction(db.ds);
    expect(mine(await db.outbox.claimForPublishing(again.em, 1000))).toEqual([]);
    await again.rollback();
  });

  it('prune deletes published rows past the retention only', async () => {
    const store = await createStore(db.ds);
    await db.outbox.append(db.ds.manager, reset(store.id, null));
    await db.outbox.append(db.ds.manager, reset(store.id, null));
    // Age both rows; publish the first only.
    await db.ds.query(`UPDATE events SET created_at = now() - interval '3 hours' WHERE store_id = $1`, [
      store.id,
    ]);
    await db.ds.query(`UPDATE events SET published_at = now() WHERE store_id = $1 AND store_seq = 1`, [
      store.id,
    ]);
    expect(await db.outbox.prune(2, 1000)).toBeGreaterThanOrEqual(1);
    expect((await db.outbox.eventsAfter(store.id, 0)).map((e) => e.seq)).toEqual([2]);
  });
});
