/**
 * The raw baseline for bench/sse.bench.ts: bare `node:http` holding Server-Sent Events streams, fanned out
 * over the same RabbitMQ (one fanout exchange, SSE_RAW_EXCHANGE, shared by every instance; one exclusive queue
 * each, publisher confirms, persistent messages, acknowledged on receipt), and nothing else: no database, no
 * outbox, no framework, no authentication (any GET /api/v1/admin/events opens a stream).
 *
 * POST /api/v1/orders answers 201 with a made-up order (its `id` is what the benchmark waits for) and publishes
 * the `new_order` event; every instance writes it as `id:/event:/data:` to each of its streams.
 *
 *   RABBITMQ_URL=amqp://… SSE_RAW_EXCHANGE=bench-sse PORT=0 node -r ts-node/register/transpile-only
 *   bench/raw/sse-raw-server.ts   (prints `listening <port>`)
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as amqp from 'amqplib';

const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const EXCHANGE = process.env.SSE_RAW_EXCHANGE ?? 'bench-sse-raw';

async function main(): Promise<void> {
  const connection = await amqp.connect(RABBITMQ_URL);
  const publisher = await connection.createConfirmChannel();
  const consumer = await connection.createChannel();
  await consumer.assertExchange(EXCHANGE, 'fanout', { durable: false, autoDelete: true });
  const { queue } = await consumer.assertQueue('', { exclusive: true, autoDelete: true });
  await consumer.bindQueue(queue, EXCHANGE, '');

  const streams = new Set<http.ServerResponse>();
  await consumer.consume(queue, (message) => {
    if (!message) return;
    const { seq, type, payload } = JSON.parse(message.content.toString()) as {
      seq: number;
      type: string;
      payload: unknown;
    };
    const frame = `id: ${seq}\nevent: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of streams) res.write(frame);
    consumer.ack(message);
  });

  let seq = 0;
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/api/v1/admin/events') {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive',
      });
      res.write('retry: 3000\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (req.method !== 'POST' || req.url !== '/api/v1/orders') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { items } = JSON.parse(Buffer.concat(chunks).toString()) as {
        items: Array<{ menuId: string; quantity: number }>;
      };
      seq++;
      const now = new Date().toISOString();
      const order = {
        id: randomUUID(),
        orderNumber: seq,
        status: 'PENDING',
        items: items.map((l) => ({ ...l, menuName: 'menu', unitPrice: 1000, subtotal: 1000 * l.quantity })),
        createdAt: now,
        updatedAt: now,
      };
      const payload = { eventId: seq, occurredAt: now, order };
      publisher.publish(EXCHANGE, '', Buffer.from(JSON.stringify({ seq, type: 'new_order', payload })), {
        persistent: true,
      });
      const text = JSON.stringify(order);
      res.writeHead(201, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
    });
  });
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    console.log(`listening ${(server.address() as { port: number }).port}`);
  });
  const stop = () => {
    server.closeAllConnections();
    server.close(() => void connection.close().finally(() => process.exit(0)));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
