/**
 * The raw baseline for bench/menu.bench.ts: bare `node:http` answering every request with the same bytes
 * (BODY_FILE, read once) as `application/json`, and nothing else. Prints `listening <port>`.
 *
 *   BODY_FILE=menu.json PORT=0 node -r ts-node/register/transpile-only bench/raw/static-raw-server.ts
 */
import * as fs from 'node:fs';
import * as http from 'node:http';

const file = process.env.BODY_FILE;
if (!file) throw new Error('BODY_FILE is required');
const body = fs.readFileSync(file);

const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
  res.end(body);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as { port: number }).port}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
