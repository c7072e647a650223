/**
 * Writes this API's OpenAPI document, as /docs-json serves it, to a file (or stdout), without serving anything:
 *
 *   node_modules/.bin/node -r ts-node/register/transpile-only src/export-openapi.ts openapi.json
 *
 * The application is built on the embedded defaults in a temporary DATA_DIR (no server needed) and closed again.
 * test/client/generate.ts makes the typed client from it; .ci/checks.sh lints it with Redocly.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createApp } from './app.factory';
import { loadConfig } from './config';
import { buildOpenApiDocument } from './swagger';

/** The document of an application built on the embedded defaults in a temporary DATA_DIR, then closed. */
export async function exportOpenApiDocument(): Promise<OpenAPIObject> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'table-order-openapi-'));
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      DEMO_SEED: 'false',
      SUPERADMIN_USERNAME: 'openapi-export',
      SUPERADMIN_PASSWORD: 'openapi-export-only',
    });
    const app = await createApp(config);
    await app.init();
    const document = buildOpenApiDocument(app);
    await app.close();
    return document;
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  exportOpenApiDocument()
    .then((document) => {
      const json = `${JSON.stringify(document, null, 2)}\n`;
      if (process.argv[2]) fs.writeFileSync(process.argv[2], json);
      else process.stdout.write(json);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
