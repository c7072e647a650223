import type { QueryRunner } from 'typeorm';
import { prepared, statementName } from '../../src/database/prepared-statements';
import { startTestApp, TestApp, TestEnv } from '../utils/app';

/**
 * Hot statements marked with prepared() are parsed and planned once per connection on PostgreSQL (named
 * statements of the `pg` driver the data source is built with); everything else goes as before.
 */
describe('prepared statements (real PostgreSQL)', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };
  let runner: QueryRunner;

  beforeAll(async () => {
    t = await startTestApp();
    runner = t.dataSource.createQueryRunner();
    await runner.connect();
  });
  afterAll(async () => {
    await runner.release();
    await t.stop();
  });

  const preparedOnConnection = async (): Promise<string[]> =>
    ((await runner.query(`SELECT name FROM pg_prepared_statements`)) as Array<{ name: string }>).map(
      (r) => r.name,
    );

  it('sends a marked statement as a named one, kept by the connection, with the same results', async () => {
    const sql = prepared(`SELECT $1::int + $2::int AS sum, $3::text AS label`);
    expect(await runner.query(sql, [2, 3, 'a'])).toEqual([{ sum: 5, label: 'a' }]);
    expect(await runner.query(sql, [40, 2, 'b'])).toEqual([{ sum: 42, label: 'b' }]);
    expect(await preparedOnConnection()).toContain(statementName(sql));
  });

  it('leaves unmarked statements unnamed', async () => {
    const before = await preparedOnConnection();
    expect(await runner.query(`SELECT $1::int * 2 AS twice`, [21])).toEqual([{ twice: 42 }]);
    expect(await preparedOnConnection()).toEqual(before);
  });

  it('reports errors of a prepared statement as query errors, and the connection stays usable', async () => {
    const sql = prepared(`SELECT 1 / $1::int AS q`);
    await expect(runner.query(sql, [0])).rejects.toMatchObject({ driverError: { code: '22012' } });
    expect(await runner.query(sql, [1])).toEqual([{ q: 1 }]);
  });
});
