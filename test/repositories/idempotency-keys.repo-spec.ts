import { randomUUID } from 'node:crypto';
import { IdempotencyKeysRepository } from '../../src/modules/orders/idempotency-keys.repository';
import { createStore, createTable } from '../factories';
import { openTransaction, sqlState, useTestDatabase } from './database';

describe('IdempotencyKeysRepository (PostgreSQL)', () => {
  const db = useTestDatabase(() => ({}));
  const keys = new IdempotencyKeysRepository();
  let claim: { tableId: string; storeId: string; key: string; requestHash: string };
  beforeEach(async () => {
    const store = await createStore(db.ds);
    const table = await createTable(db.ds, store.id);
    claim = { tableId: table.id, storeId: store.id, key: 'key-1', requestHash: 'a'.repeat(64) };
  });

  it('claims a key once per table; another table may use the same key', async () => {
    expect(await keys.claimIdempotencyKey(db.ds.manager, claim)).toBe(true);
    expect(await keys.claimIdempotencyKey(db.ds.manager, claim)).toBe(false);
    const other = await createTable(db.ds, claim.storeId);
    expect(await keys.claimIdempotencyKey(db.ds.manager, { ...claim, tableId: other.id })).toBe(true);
    expect(await keys.findIdempotencyKey(db.ds.manager, claim.tableId, claim.key)).toEqual({
      requestHash: claim.requestHash,
      responseStatus: null,
      responseBody: null,
      expired: false,
    });
  });

  it('the advisory lock is held by one transaction at a time and released with it', async () => {
    const first = await openTransaction(db.ds);
    expect(await keys.tryIdempotencyLock(first.em, claim.tableId, claim.key)).toBe(true);
    const second = await openTransaction(db.ds);
    expect(await keys.tryIdempotencyLock(second.em, claim.tableId, claim.key)).toBe(false);
    expect(await keys.tryIdempotencyLock(second.em, claim.tableId, 'another-key')).toBe(true);
    await first.rollback();
    expect(await keys.tryIdempotencyLock(second.em, claim.tableId, claim.key)).toBe(true);
    await second.rollback();
  });

  it('a key past its 24 hours reads as expired and only then is deleted', async () => {
    await keys.claimIdempotencyKey(db.ds.manager, claim);
    await keys.deleteExpiredIdempotencyKey(db.ds.manager, claim.tableId, claim.key);
    expect(await keys.findIdempotencyKey(db.ds.manager, claim.tableId, claim.key)).toMatchObject({
      expired: false,
    });
    // Time passing, as only a test can make it.
    await db.ds.query(
      `UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE table_id = $1`,
      [claim.tableId],
    );
    expect(await keys.findIdempotencyKey(db.ds.manager, claim.tableId, claim.key)).toMatchObject({
      expired: true,
    });
    await keys.deleteExpiredIdempotencyKey(db.ds.manager, claim.tableId, claim.key);
    expect(await keys.findIdempotencyKey(db.ds.manager, claim.tableId, claim.key)).toBeUndefined();
  });

  it('a key of a table that does not exist breaks the foreign key (23503)', async () => {
    const gone = { ...claim, tableId: randomUUID() };
    expect(await sqlState(keys.claimIdempotencyKey(db.ds.manager, gone))).toBe('23503');
  });
});
