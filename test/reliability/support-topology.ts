import { createCategory, createMenu } from '../factories';
import { createTestEnv, startApp, TestApp, TestEnv } from '../utils/app';
import { StoreFixture, storeFixture } from '../utils/auth';
import { Child, startMain } from '../utils/main-process';
import { ensureServicesUp } from '../utils/servers';
import { openSse, SseClient } from '../utils/sse';

/** The deployment of a reliability test: a store with a menu, and two instances, one of them a child process. */

/** A store with `tables` tables and one menu item at `price`, created through `app`. */
export async function storeWithMenu(
  app: TestApp,
  tables: number,
  price: number,
): Promise<{ f: StoreFixture; menuId: string }> {
  const f = await storeFixture(app, tables);
  const category = await createCategory(app.dataSource, f.store.id);
  const menuId = (await createMenu(app.dataSource, f.store.id, category.id, { price })).id;
  return { f, menuId };
}

/** The admin dashboard's event stream on the instance at `url`; its status is for the caller to check. */
export const openAdminStream = (url: string, token: string): Promise<SseClient> =>
  openSse(url, '/api/v1/admin/events', { headers: { Authorization: `Bearer ${token}` } });

export interface TwoInstances {
  env: TestEnv;
  a: TestApp;
  b: TestApp;
  f: StoreFixture;
  menuId: string;
  /** Closed after the tests. */
  streams: SseClient[];
}

/**
 * For a test that stops a shared server: registers the beforeAll and afterAll of two instances of one deployment
 * (one fresh database) and a store of `tables` tables with one menu item at `price`. Every server of this machine
 * is up before, and again afterwards whatever the test stopped. The fields are set once beforeAll has run.
 */
export function twoInstancesUnderFault(tables: number, price: number): TwoInstances {
  const d: Partial<TwoInstances> & { streams: SseClient[] } = { streams: [] };
  beforeAll(async () => {
    await ensureServicesUp();
    d.env = await createTestEnv();
    d.a = await startApp(d.env);
    d.b = await startApp(d.env);
    Object.assign(d, await storeWithMenu(d.a, tables, price));
  });
  afterAll(async () => {
    for (const s of d.streams) s.close();
    await ensureServicesUp();
    await d.a?.close();
    await d.b?.close();
    await d.env?.dispose();
  });
  return d as TwoInstances;
}

export interface InstanceAndChild {
  env: TestEnv;
  /** The instance in this process. */
  app: TestApp;
  /** The other instance: the real entry point in a child process. */
  child: Child;
  f: StoreFixture;
  menuId: string;
  /** Closed after the tests. */
  streams: SseClient[];
}

/**
 * For a test that signals or kills an instance: registers the beforeAll and afterAll of two instances of one
 * deployment (one fresh database), one in this process and one the real entry point in a child process with
 * `childVars` in its environment, and a store of `tables` tables with one menu item at `price`. A child still
 * running at the end is killed. The fields are set once beforeAll has run.
 */
export function instanceAndChild(
  tables: number,
  price: number,
  childVars: Record<string, string>,
  /** The deployment's settings beyond the test defaults (both instances), read when beforeAll runs. */
  envVars: () => Record<string, string> = () => ({}),
): InstanceAndChild {
  const d: Partial<InstanceAndChild> & { streams: SseClient[] } = { streams: [] };
  beforeAll(async () => {
    d.env = await createTestEnv(envVars());
    d.app = await startApp(d.env);
    d.child = await startMain(d.env, childVars);
    Object.assign(d, await storeWithMenu(d.app, tables, price));
  }, 120_000);
  afterAll(async () => {
    for (const s of d.streams) s.close();
    const proc = d.child?.proc;
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await d.app?.close();
    await d.env?.dispose();
  });
  return d as InstanceAndChild;
}
