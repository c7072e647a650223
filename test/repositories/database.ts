import * as path from 'node:path';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { preparingPg } from '../../src/database/prepared-statements';
import { createTestDatabase } from '../utils/test-database';

/**
 * The repository tier: each file gets its own clone of the migrated template and a DataSource over it as the
 * application opens one (pg with named prepared statements, the entities for the TypeORM-API repositories).
 */
export async function openTestDatabase(): Promise<{ ds: DataSource; close: () => Promise<void> }> {
  const database = await createTestDatabase();
  const ds = new DataSource({
    type: 'postgres',
    url: database.url,
    driver: preparingPg,
    entities: [path.resolve(__dirname, '../../src/modules/*/entities/*.entity.ts')],
    poolSize: 4,
  });
  await ds.initialize();
  return {
    ds,
    close: async () => {
      await ds.destroy();
      await database.drop();
    },
  };
}

export interface OpenTransaction {
  em: EntityManager;
  commit: () => Promise<void>;
  rollback: () => Promise<void>;
}

/** A transaction left open on a connection of its own, for tests of what a concurrent one sees or waits for. */
export async function openTransaction(
  ds: DataSource,
  options: { lockTimeoutMs?: number } = {},
): Promise<OpenTransaction> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  if (options.lockTimeoutMs !== undefined)
    await runner.query(`SET LOCAL lock_timeout = ${options.lockTimeoutMs}`);
  const end = async (how: 'commit' | 'rollback') => {
    try {
      if (how === 'commit') await runner.commitTransaction();
      else await runner.rollbackTransaction();
    } finally {
      await runner.release();
    }
  };
  return { em: runner.manager, commit: () => end('commit'), rollback: () => end('rollback') };
}

/** The SQLSTATE a statement failed with (`23514`, `55P03`, …), or undefined when it succeeded. */
export async function sqlState(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    if (error instanceof QueryFailedError) return (error.driverError as { code?: string }).code;
    throw error;
  }
}

/** True when the promise is still pending after `ms`: it waits on a lock. */
export async function isWaiting(work: Promise<unknown>, ms = 300): Promise<boolean> {
  const pending = Symbol('pending');
  const first = await Promise.race([work, new Promise((resolve) => setTimeout(() => resolve(pending), ms))]);
  return first === pending;
}

/**
 * The file's database, opened before its tests and dropped after them, with what `build` makes of it (the
 * repositories under test): `const db = useTestDatabase((ds) => ({ orders: new OrdersRepository(ds) }))`.
 */
export function useTestDatabase<T extends object>(build: (ds: DataSource) => T): T & { ds: DataSource } {
  const held = {} as T & { ds: DataSource };
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const database = await openTestDatabase();
    close = database.close;
    Object.assign(held, build(database.ds), { ds: database.ds });
  });
  afterAll(() => close?.());
  return held;
}
