import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A session's total is the sum of its orders, each of which fits an integer; the sum need not. A table that
 * ordered more than 2,147,483,647 won in one sitting must still be completable, so archived session totals are
 * bigint (reads sum as bigint too). Money stays whole won.
 */
export class SessionTotals1764806400000 implements MigrationInterface {
  name = 'SessionTotals1764806400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE session_history ALTER COLUMN total_amount TYPE bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE session_history ALTER COLUMN total_amount TYPE integer`);
  }
}
