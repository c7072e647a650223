import 'reflect-metadata';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config';
import { DEMO, SeedService } from './database/seed.service';
import { installGracefulShutdown } from './modules/health/graceful-shutdown';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  installGracefulShutdown(app, config.shutdownGraceMs);
  await app.listen(config.port);
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  const lines = [
    `Table Order API listening on ${url}`,
    `  database: ${config.database.url ? 'PostgreSQL' : `embedded PostgreSQL (PGlite) in ${config.dataDir}`}`,
    `  Swagger UI: ${url}/docs`,
  ];
  if (app.get(SeedService).demoStoreReady) {
    lines.push(
      `  demo store code: ${DEMO.storeCode}`,
      `  admin login: ${DEMO.admin.username} / ${DEMO.admin.password}`,
      `  table login: tables ${DEMO.tables.join(', ')} / password ${DEMO.tablePassword}`,
    );
  }
  console.log(lines.join('\n'));
}

void main();
