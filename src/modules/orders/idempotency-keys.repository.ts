import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { statement } from '../../database/sql-params';
import { claimKeySql, tryKeyLockSql, type KeyClaim } from './idempotency-keys.sql';

export interface StoredIdempotencyKey {
  requestHash: string;
  responseStatus: number | null;
  responseBody: unknown;
  expired: boolean;
}

/**
 * The Idempotency-Key rows of order placement, always in the caller's transaction. The first claim, advisory
 * lock included, is part of OrdersRepository.prepareOrder; these settle a key that one did not claim.
 */
@Injectable()
export class IdempotencyKeysRepository {
  /** Claims the key once the caller holds the (table, key) advisory lock. False: a row exists. */
  async claimIdempotencyKey(em: EntityManager, claim: KeyClaim): Promise<boolean> {
    const rows = (await em.query(
      ...statement((p) => claimKeySql(p, claim, { tryLock: false })),
    )) as unknown[];
    return rows.length === 1;
  }

  async tryIdempotencyLock(em: EntityManager, tableId: string, key: string): Promise<boolean> {
    const [row] = (await em.query(
      ...statement((p) => `SELECT ${tryKeyLockSql(p.add(tableId, 'uuid'), p.add(key, 'varchar'))} AS locked`),
    )) as Array<{ locked: boolean }>;
    return row.locked;
  }

  async findIdempotencyKey(
    em: EntityManager,
    tableId: string,
    key: string,
  ): Promise<StoredIdempotencyKey | undefined> {
    const [row] = (await em.query(
      `SELECT request_hash AS "requestHash", response_status AS "responseStatus", response_body AS "responseBody",
              expires_at <= now() AS expired
       FROM idempotency_keys WHERE table_id = $1 AND key = $2`,
      [tableId, key],
    )) as StoredIdempotencyKey[];
    if (!row) return undefined;
    const body = typeof row.responseBody === 'string' ? JSON.parse(row.responseBody) : row.responseBody;
    return { ...row, responseBody: body };
  }

  async deleteExpiredIdempotencyKey(em: EntityManager, tableId: string, key: string): Promise<void> {
    await em.query(`DELETE FROM idempotency_keys WHERE table_id = $1 AND key = $2 AND expires_at <= now()`, [
      tableId,
      key,
    ]);
  }
}
