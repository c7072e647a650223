import * as amqp from 'amqplib';
import { AdminUserEntity } from '../../src/modules/stores/entities/admin-user.entity';
import { StoreEntity } from '../../src/modules/stores/entities/store.entity';
import { createStore, createAdmin, createCategory, createMenu, createTable } from '../factories';
import { createTestEnv, RABBITMQ_URL, startApp, TestApp, TestEnv } from '../utils/app';
import { Child, startMain } from '../utils/main-process';

/**
 * An instance killed with SIGKILL between commit and publish loses nothing: its orders committed with their outbox
 * rows, and the next instance's relay publishes them to RabbitMQ. The killed instance is the real entry point in a
 * child process whose broker address answers nothing, so every event it commits is still unpublished when it dies.
 */
describe('events survive an instance killed between commit and publish (real PostgreSQL, RabbitMQ)', () => {
  let env: TestEnv;
  let crashed: Child | undefined;
  let survivor: TestApp | undefined;
  let connection: amqp.ChannelModel;
  let channel: amqp.Channel;
  let queue: string;

  beforeAll(async () => {
    env = await createTestEnv();
    connection = await amqp.connect(RABBITMQ_URL);
    channel = await connection.createChannel();
    await channel.assertExchange('table-order-events', 'topic', { durable: true });
    // A witness queue of our own on the real exchange: what the relay publishes lands here.
    ({ queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true }));
    await channel.bindQueue(queue, 'table-order-events', 'order.created');
  });

  afterAll(async () => {
    crashed?.proc.kill('SIGKILL');
    await survivor?.close();
    await connection.close();
    await env.dispose();
  });

  it('publishes every committed order of the killed instance once another instance starts', async () => {
    crashed = await startMain(env, {
      RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:1',
      DEMO_SEED: 'false',
      LOG_LEVEL: 'warn',
    });
    const tokenOf = async (path: string, body: object): Promise<string> => {
      const res = await fetch(`${crashed!.url}/api/v1/auth/${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { accessToken: string }).accessToken;
    };

    // Rows straight into the shared database; the child reads them like any instance would.
    const { DataSource } = await import('typeorm');
    // The factories write stores and admins through their entities.
    const ds = new DataSource({
      type: 'postgres',
      url: env.vars.DATABASE_URL,
      entities: [StoreEntity, AdminUserEntity],
    });
    await ds.initialize();
    try {
      const store = await createStore(ds);
      const storeId = store.id;
      await createAdmin(ds, store.id);
      const table = await createTable(ds, store.id, { number: 1 });
      const category = await createCategory(ds, store.id);
      const menu = await createMenu(ds, store.id, category.id, { price: 7000 });
      const tableToken = await tokenOf('table-login', {
        storeCode: store.code,
        tableNumber: table.number,
        password: table.password,
      });

      const orderIds: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${crashed.url}/api/v1/orders`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tableToken}` },
          body: JSON.stringify({ items: [{ menuId: menu.id, quantity: i + 1 }] }),
        });
        expect(res.status).toBe(201);
        orderIds.push(((await res.json()) as { id: string }).id);
      }
      const pending = (await ds.query(
        `SELECT count(*)::int AS n FROM events WHERE store_id = $1 AND published_at IS NULL`,
        [storeId],
      )) as [{ n: number }];
      expect(pending[0].n).toBe(3);

      crashed.proc.kill('SIGKILL');
      expect((await crashed.exited).signal).toBe('SIGKILL');

      // The next instance, with the real broker, finds the rows and publishes them.
      survivor = await startApp(env);
      const received = await collect(channel, queue, storeId, 3, 15_000);
      expect(received.map((m) => m.payload.order.id)).toEqual(orderIds);
      expect(received.map((m) => m.seq)).toEqual([1, 2, 3]);
      await waitFor(async () => {
        const [{ n }] = (await ds.query(
          `SELECT count(*)::int AS n FROM events WHERE store_id = $1 AND published_at IS NULL`,
          [storeId],
        )) as [{ n: number }];
        return n === 0;
      });
    } finally {
      await ds.destroy();
    }
  });
});

interface Published {
  storeId: string;
  seq: number;
  payload: { order: { id: string } };
}

/** The store's messages arriving on the witness queue, in order, until `count` have come or the time is up. */
async function collect(
  channel: amqp.Channel,
  queue: string,
  storeId: string,
  count: number,
  timeoutMs: number,
): Promise<Published[]> {
  const messages: Published[] = [];
  const deadline = Date.now() + timeoutMs;
  while (messages.length < count && Date.now() < deadline) {
    const msg = await channel.get(queue, { noAck: true });
    if (!msg) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    const { data } = JSON.parse(msg.content.toString()) as { data: Published };
    if (data.storeId === storeId) messages.push(data);
  }
  return messages;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
