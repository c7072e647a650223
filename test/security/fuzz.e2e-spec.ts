import * as http from 'node:http';
import { createAdmin, createCategory, createMenu, createTable } from '../factories';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { loginSuperadmin } from '../utils/auth';
import { routeTable } from '../utils/route-table';
import { fire, verdict } from './fuzz-checks';
import { Dice, FuzzGenerator, FuzzRequest, FuzzWorld, prng } from './fuzz-generators';
import { createOptionGroup, placeOrder, pressStaffCall, seedStore } from './world';

/**
 * A seeded fuzz of malformed requests over every route of the route table: wrong types, huge and deeply nested
 * values, NUL and other odd characters, bad UUIDs in paths and queries, wrong and lying Content-Types, malformed
 * and oversized JSON, broken multipart. Most requests carry a token of a role the route admits, so they get past
 * the guards to validation; the rest go without one, with the wrong role or with a broken token.
 *
 * Every answer must be below 500, and every error (status >= 400) the envelope of API.md with the right `status`
 * and `request_id` equal to the X-Request-Id header. The seed is printed; FUZZ_SEED replays a run, FUZZ_REQUESTS
 * changes its length.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261122) >>> 0 || 1;
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 5000);
const CONCURRENCY = 8;

describe('security: seeded fuzz over every route', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };
  let world: FuzzWorld;

  beforeAll(async () => {
    // Local image storage in both suites: these tests reach images through the service's /uploads route.
    t = await startTestApp({ IMAGE_STORAGE: 'local' });
    const table = await routeTable(t);
    expect(table.problems).toEqual([]);
    const own = await seedStore(t, 'fuzz');
    const foreign = await seedStore(t, 'foreign');
    const loginTarget = await seedStore(t, 'login');
    // Rows the fuzz may change or delete; never the principals whose tokens it sends.
    const ds = t.dataSource;
    const s = own.store.id;
    const categories = [own.category.id, own.emptyCategory.id];
    for (let i = 0; i < 4; i++) categories.push((await createCategory(ds, s)).id);
    const menus = own.menus.map((m) => m.id);
    for (let i = 0; i < 6; i++) menus.push((await createMenu(ds, s, categories[i % 3 === 0 ? 0 : 2])).id);
    const tables = [own.spareTable.id, own.tables[1].id];
    for (let i = 0; i < 4; i++) tables.push((await createTable(ds, s)).id);
    const orders = [...own.ordersByTable.values()].flat();
    for (let i = 0; i < 6; i++)
      orders.push((await placeOrder(t, own.tables[0].token, [{ menuId: menus[i % 2], quantity: 1 }])).id);
    const admins: string[] = [];
    for (let i = 0; i < 4; i++) admins.push((await createAdmin(ds, s)).id);
    const groups = [own.optionGroup];
    for (let i = 0; i < 3; i++) groups.push(await createOptionGroup(t, own.admin.token, `fuzz-${i}`));
    const staffCalls = [own.staffCallId];
    for (const reason of ['CALL', 'BILL', 'OTHER'])
      staffCalls.push((await pressStaffCall(t, own.tables[0].token, reason)).id);
    const pools: Record<string, string[]> = {
      'option-group': groups.map((g) => g.id),
      option: groups.flatMap((g) => g.options.map((o) => o.id)),
      category: categories,
      menu: menus,
      table: tables,
      order: orders,
      admin: admins,
      store: [s, loginTarget.store.id],
      upload: [own.imageFile, foreign.imageFile],
      staffCall: staffCalls,
    };
    const ids = [
      ...categories,
      ...menus,
      ...tables,
      ...orders,
      ...pools.option,
      ...staffCalls,
      ...foreign.markers.filter((m) => /^[0-9a-f-]{36}$/.test(m)),
    ];
    world = {
      t,
      routes: table.routes,
      own,
      foreign,
      loginTarget,
      root: await loginSuperadmin(t),
      pools,
      ids,
    };
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  afterAll(() => agent.destroy());

  it(`${TOTAL} malformed requests: no 5xx, every error the envelope with its X-Request-Id`, async () => {
    console.log(
      `fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${TOTAL} requests over ${world.routes.length} routes`,
    );
    const d = new Dice(prng(SEED));
    const generator = new FuzzGenerator(world, SEED);
    const started = Date.now();
    // Generated in order from the one seed, so a run is reproducible whatever the answers' timing.
    const requests: FuzzRequest[] = [];
    for (let i = 0; i < TOTAL; i++) requests.push(await generator.generate(d, i));
    const statuses = new Map<number, number>();
    const perRoute = new Map<string, number>();
    const failures: string[] = [];
    let fiveXX = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const req = requests[next++];
        const a = await fire(t.url, agent, req);
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        perRoute.set(req.route.key, (perRoute.get(req.route.key) ?? 0) + 1);
        if (a.status >= 500 && !(req.route.key === 'GET /health/ready' && a.status === 503)) fiveXX++;
        const wrong = verdict(req, a);
        if (wrong)
          failures.push(
            `#${requests.indexOf(req)} ${req.method} ${req.url.slice(0, 120)} [${req.recipe.join('; ')}]: ${wrong} ${a.text.slice(0, 200)}`,
          );
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `security fuzz figures: ${JSON.stringify({
        seed: SEED,
        requests: requests.length,
        routes: perRoute.size,
        fiveXX,
        failures: failures.length,
        seconds,
        statuses: Object.fromEntries([...statuses].sort(([a], [b]) => a - b)),
      })}`,
    );
    expect(failures.slice(0, 40)).toEqual([]);
    expect(fiveXX).toBe(0);
    expect(requests.length).toBe(TOTAL);
    // Every route of the table got its share.
    expect(perRoute.size).toBe(world.routes.length);
    // And the fuzz reached past the guards: validation refused, and valid requests succeeded.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(TOTAL / 10);
    expect([...statuses].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(TOTAL / 20);
    expect(statuses.get(413) ?? 0).toBeGreaterThan(0);
  }, 240_000);
});
