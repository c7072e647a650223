/**
 * The application for the benchmarks, in its own process: createApp(loadConfig()) from src/app.factory.ts,
 * configured by the environment the harness passes (bench/orders-support.ts, spawnApp). Prints `listening <port>`.
 */
import 'reflect-metadata';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config';

async function main(): Promise<void> {
  const app = await createApp(loadConfig({ PORT: '0' }));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  console.log(`listening ${port}`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
