import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { createPgliteDriver } from '../../src/database/pglite-pool';

/** The PostgreSQL server of the services suite, as its superuser (TEST_DATABASE_URL overrides it). */
export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

/**
 * The migrated template every test database is cloned from, named by a hash of migrations/: a change to a
 * migration names a new template, which the next run builds.
 */
export function templateName(): string {
  return `table_order_tmpl_${migrationsHash()}`;
}

function migrationsHash(): string {
  const hash = createHash('sha1');
  for (const file of fs.readdirSync(MIGRATIONS_DIR).sort()) {
    hash.update(file).update(fs.readFileSync(path.join(MIGRATIONS_DIR, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

/** Runs every migration on a database (PostgreSQL by `url`, PGlite by `driver`), as the application does at start. */
async function migrate(target: { url: string } | { driver: object }): Promise<void> {
  const ds = new DataSource({
    type: 'postgres',
    ...target,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    installExtensions: false,
  });
  await ds.initialize();
  try {
    await ds.runMigrations();
  } finally {
    await ds.destroy();
  }
}

/**
 * The embedded suite's template: a PGlite data directory migrated once per change of migrations/ (in the system's
 * temporary directory, named by their hash), which each test environment copies as its DATA_DIR/pgdata. Creating
 * and migrating a PGlite database took about 3 s per app start; a copy, under one. Built aside and renamed into
 * place, so a worker never copies a half-built one (two workers building at once: the second rename loses, and
 * its copy is removed).
 */
export async function pgliteTemplate(): Promise<string> {
  const dir = path.join(os.tmpdir(), `table-order-pglite-${migrationsHash()}`);
  if (fs.existsSync(dir)) return dir;
  const building = `${dir}.building-${process.pid}-${randomBytes(3).toString('hex')}`;
  fs.mkdirSync(building, { recursive: true });
  await migrate({ driver: createPgliteDriver(building) });
  try {
    fs.renameSync(building, dir);
  } catch {
    fs.rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

export async function withAdminClient<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Builds the template once: migrated under another name and renamed when done, under an advisory lock, so
 * concurrent runs (and a run killed half-way) never clone a half-migrated database.
 */
export async function ensureTemplate(adminUrl = PG_ADMIN_URL): Promise<string> {
  const name = templateName();
  await withAdminClient(adminUrl, async (c) => {
    await c.query(`SELECT pg_advisory_lock(hashtext('table-order test template'))`);
    try {
      const found = await c.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
      if (found.rowCount === 1) return;
      const building = `${name}_building`;
      await c.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${building}`);
      await migrate({ url: databaseUrl(adminUrl, building) });
      await c.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    } finally {
      await c.query(`SELECT pg_advisory_unlock(hashtext('table-order test template'))`);
    }
  });
  return name;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A fresh database of its own for one test file: a clone of the migrated template (built by the suite's
 * globalSetup, or here when missing), or empty with `migrated: false`.
 */
export async function createTestDatabase(
  options: { adminUrl?: string; migrated?: boolean } = {},
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const adminUrl = options.adminUrl ?? PG_ADMIN_URL;
  const name = `table_order_test_${randomBytes(5).toString('hex')}`;
  const template = options.migrated === false ? undefined : await ensureTemplate(adminUrl);
  await withAdminClient(adminUrl, async (c) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
        return;
      } catch (error) {
        // 55006: another clone of the template is being made this instant.
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await sleep(100 * attempt);
      }
    }
  });
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: () =>
      withAdminClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(),
  };
}
