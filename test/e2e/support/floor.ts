import { createCategory, createMenu } from '../../factories';
import { startTestApp, TestApp, TestEnv } from '../../utils/app';
import { bearer, StoreFixture, storeFixture } from '../../utils/auth';
import { openSse, SseClient } from '../../utils/sse';

// oxlint-disable-next-line typescript/no-explicit-any -- response bodies
export type Body = any;
type App = TestApp & { env: TestEnv; stop(): Promise<void> };

/**
 * One application for the floor tests (staff calls, a table cancelling its order, moving and merging tables) and
 * `other`, a store whose rows the tests only try to reach. Each test asks for a store of its own with `store(n)`,
 * so that what one test leaves on a table (a session, an open call) never decides another one.
 */
export class FloorWorld {
  t!: App;
  other!: StoreFixture;
  readonly streams: SseClient[] = [];

  static use(): FloorWorld {
    const world = new FloorWorld();
    beforeAll(async () => {
      world.t = await startTestApp();
      world.other = await storeFixture(world.t, 1);
    });
    afterAll(async () => {
      world.streams.forEach((s) => s.close());
      await world.t?.stop();
    });
    return world;
  }

  /** A fresh store with `tables` logged-in tables and one menu (냉면, 9000 won). */
  async store(tables: number): Promise<FloorStore> {
    const f = await storeFixture(this.t, tables);
    const category = await createCategory(this.t.dataSource, f.store.id);
    const menu = await createMenu(this.t.dataSource, f.store.id, category.id, { name: '냉면', price: 9000 });
    return new FloorStore(this, f, menu.id);
  }
}

export class FloorStore {
  readonly store: StoreFixture['store'];
  readonly admin: StoreFixture['admin'];
  readonly tables: StoreFixture['tables'];

  constructor(
    private readonly world: FloorWorld,
    fixture: StoreFixture,
    readonly menuId: string,
  ) {
    ({ store: this.store, admin: this.admin, tables: this.tables } = fixture);
  }

  private get t(): App {
    return this.world.t;
  }

  adminAuth = (): [string, string] => bearer(this.admin.token);
  table = (i: number): [string, string] => bearer(this.tables[i].token);

  place = async (i: number, quantity = 1): Promise<Body> =>
    (
      await this.t
        .http()
        .post('/api/v1/orders')
        .set(...this.table(i))
        .send({ items: [{ menuId: this.menuId, quantity }] })
        .expect(201)
    ).body;

  press = (i: number, body: object) =>
    this.t
      .http()
      .post('/api/v1/staff-calls')
      .set(...this.table(i))
      .send(body);

  tableOrders = async (i: number): Promise<Body> =>
    (
      await this.t
        .http()
        .get('/api/v1/orders')
        .set(...this.table(i))
        .expect(200)
    ).body;

  tableCalls = async (i: number): Promise<Body[]> =>
    (
      await this.t
        .http()
        .get('/api/v1/staff-calls')
        .set(...this.table(i))
        .expect(200)
    ).body;

  setStatus = (orderId: string, status: string) =>
    this.t
      .http()
      .patch(`/api/v1/admin/orders/${orderId}`)
      .set(...this.adminAuth())
      .send({ status });

  move = (from: string, toTableId: string, token = this.admin.token) =>
    this.t
      .http()
      .post(`/api/v1/admin/tables/${from}/move`)
      .set(...bearer(token))
      .send({ toTableId });

  merge = (from: string, intoTableId: string) =>
    this.t
      .http()
      .post(`/api/v1/admin/tables/${from}/merge`)
      .set(...this.adminAuth())
      .send({ intoTableId });

  complete = (tableId: string) =>
    this.t
      .http()
      .post(`/api/v1/admin/tables/${tableId}/complete`)
      .set(...this.adminAuth());

  /** An SSE stream, closed after the file's tests if the test does not close it. */
  stream = async (path: string, token: string): Promise<SseClient> => {
    const client = await openSse(this.t.url, path, { headers: { Authorization: `Bearer ${token}` } });
    expect(client.status).toBe(200);
    this.world.streams.push(client);
    return client;
  };

  adminCalls = async (status?: string): Promise<Body[]> =>
    (
      await this.t
        .http()
        .get(`/api/v1/admin/staff-calls${status ? `?status=${status}` : ''}`)
        .set(...this.adminAuth())
        .expect(200)
    ).body;

  eventsOf = async (type: string): Promise<Body[]> =>
    (
      (await this.t.dataSource.query(
        `SELECT payload FROM events WHERE store_id = $1 AND type = $2 ORDER BY store_seq`,
        [this.store.id, type],
      )) as Array<{ payload: Body }>
    ).map((r) => (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload));
}
