import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { createPgliteDriver } from './pglite-pool';

describe('embedded PGlite pool', () => {
  let dir: string;
  let ds: DataSource;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pglite-pool-'));
    ds = new DataSource({ type: 'postgres', driver: createPgliteDriver(dir), installExtensions: false });
    await ds.initialize();
    await ds.query(`CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)`);
    await ds.query(`INSERT INTO counter VALUES (1, 0)`);
  });
  afterAll(async () => {
    await ds.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs concurrent transactions one after another, as separate connections would', async () => {
    // Read-modify-write with a pause in the middle: interleaved on one shared connection, updates would be lost.
    await Promise.all(
      Array.from({ length: 20 }, () =>
        ds.transaction(async (em) => {
          const [{ n }] = (await em.query(`SELECT n FROM counter WHERE id = 1`)) as Array<{ n: number }>;
          await new Promise((resolve) => setTimeout(resolve, 2));
          await em.query(`UPDATE counter SET n = $1 WHERE id = 1`, [n + 1]);
        }),
      ),
    );
    const [{ n }] = (await ds.query(`SELECT n FROM counter WHERE id = 1`)) as Array<{ n: number }>;
    expect(n).toBe(20);
  });

  it('rolls back a failed transaction without affecting the next one', async () => {
    await expect(
      ds.transaction(async (em) => {
        await em.query(`UPDATE counter SET n = -1 WHERE id = 1`);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const [{ n }] = (await ds.query(`SELECT n FROM counter WHERE id = 1`)) as Array<{ n: number }>;
    expect(n).toBe(20);
  });
});
