/**
 * The raw baseline for bench/menu.bench.ts: bare `node:http` that checks the bearer token as the application must
 * (bench/raw/raw-token.ts: RS256 signature, exp, iss, aud; a table token) and answers the menu's bytes (BODY_FILE,
 * read once) as `application/json`. The application does this work and more (headers, logging, metrics, rate
 * limit, token version); a server that skipped the token check would do less than the service must.
 *
 *   BODY_FILE=menu.json JWT_KEY_FILE=…/keys/jwt-private.pem PORT=0 node -r ts-node/register/transpile-only bench/raw/menu-raw-server.ts
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import { rawTokenVerifier } from './raw-token';

const file = process.env.BODY_FILE;
if (!file) throw new Error('BODY_FILE is required');
const body = fs.readFileSync(file);
const check = rawTokenVerifier();
const refused = Buffer.from(JSON.stringify({ status: 401, error_code: 'INVALID_TOKEN' }));

const server = http.createServer((req, res) => {
  const claims = check(req.headers.authorization);
  const ok = claims?.role === 'table';
  const bytes = ok ? body : refused;
  res.writeHead(ok ? 200 : 401, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': bytes.length,
  });
  res.end(bytes);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as { port: number }).port}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
