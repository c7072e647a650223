/**
 * Menu image uploads (PUT /api/v1/admin/menus/:id/image) of a 4 MB 4032 × 3024 phone-style JPEG (EXIF orientation,
 * GPS), and what they cost the tablets' reads:
 *
 *   node_modules/.bin/node -r ts-node/register/transpile-only bench/images.bench.ts
 *
 * 1. BENCH_UPLOADS (20) uploads one after another: time to 200 (p50, p99) and the app's peak RSS, beside the
 *    same sharp pipeline run in this process on the same bytes (the raw baseline: decoding, rotation, resizing
 *    and both encodings without HTTP, multipart, storage or database).
 * 2. GET /api/v1/menu (20 connections, BENCH_DURATION s, warm cache) with no upload running, then the same while
 *    4 uploads run at once without pause (each to its own menu). Target: reads drop by at most 20 %. Every
 *    upload invalidates the store's cached menu, so reads during uploads also include those cache misses.
 *
 * The 4 concurrent uploads are sent by a child process of the load generator (this file run with `--uploader`), as an
 * admin's browser would send them from another machine: building and sending 4 MB multipart bodies then does not
 * take the read generator's event loop. Both processes share this machine's cores with the app.
 *
 * Local image storage in the benchmark database's DATA_DIR. Figures are printed, never asserted.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import sharp from 'sharp';
import {
  adminLogin,
  alternate,
  createBenchDatabase,
  fmt,
  memoryOf,
  menuReads,
  percentile,
  resetPeak,
  seedStores,
  Server,
  spawnApp,
  tableLogin,
} from './orders-support';
import { BenchRow, emitResult, mib } from './results';

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 20);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const PARALLEL_UPLOADS = 4;
/** Turns the reads with and without uploads take (see `alternate`), BENCH_DURATION / BENCH_SLICES seconds each. */
const SLICES = Number(process.env.BENCH_SLICES ?? 5);

/** About 4 MB: camera-like noise (JPEG cannot compress it much) at quality 78, stored sideways with GPS. */
async function phonePhoto(): Promise<Buffer> {
  const pixels = await sharp({
    create: {
      width: 4032,
      height: 3024,
      channels: 3,
      background: '#a0704a',
      noise: { type: 'gaussian', mean: 120, sigma: 30 },
    },
  })
    .raw()
    .toBuffer();
  return sharp(pixels, { raw: { width: 4032, height: 3024, channels: 3 } })
    .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 59/1' } })
    .withMetadata({ orientation: 6 })
    .jpeg({ quality: 78 })
    .toBuffer();
}

/** What ImageProcessor does to the same bytes, in this process: the floor of an upload's time. */
async function rawPipeline(photo: Buffer): Promise<void> {
  const display = await sharp(photo, { failOn: 'warning', limitInputPixels: 50_000_000 })
    .autoOrient()
    .resize({ width: 1600, height: 1600, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 82 })
    .toBuffer();
  await sharp(display)
    .resize({ width: 300, height: 300, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
}

async function upload(url: string, token: string, menuId: string, photo: Buffer): Promise<number> {
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'IMG_0001.jpg');
  const started = performance.now();
  const res = await fetch(`${url}/api/v1/admin/menus/${menuId}/image`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`upload answered ${res.status}`);
  return performance.now() - started;
}

const summary = (ms: number[]): { p50: number; p99: number; mean: number } => {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: ms.reduce((s, x) => s + x, 0) / ms.length,
  };
};

const reads = (app: Server, tokens: string[], duration: number, onLatency?: (ms: number) => void) =>
  menuReads(app, tokens, CONNECTIONS)(duration, onLatency);

async function main(): Promise<void> {
  const db = await createBenchDatabase();
  let app: Server | undefined;
  try {
    app = await spawnApp(db);
    const [store] = await seedStores(db, 1, 4, 30);
    const admin = await adminLogin(app, store);
    const tokens: string[] = [];
    for (const table of store.tables) tokens.push(await tableLogin(app, store, table.number));
    const photo = await phonePhoto();
    const meta = await sharp(photo).metadata();
    console.log(
      `upload: ${(photo.length / 1048576).toFixed(2)} MiB JPEG ${meta.width} × ${meta.height}, orientation ` +
        `${meta.orientation}; ${UPLOADS} sequential uploads; reads: ${CONNECTIONS} connections, ${DURATION} s, ` +
        `Node ${process.version}`,
    );

    // 1. sequential uploads, beside the bare pipeline
    const rawMs: number[] = [];
    await rawPipeline(photo);
    for (let i = 0; i < UPLOADS; i++) {
      const started = performance.now();
      await rawPipeline(photo);
      rawMs.push(performance.now() - started);
    }
    await upload(app.url, admin, store.menus[0], photo); // warm-up
    resetPeak(app.pid);
    const appMs: number[] = [];
    for (let i = 0; i < UPLOADS; i++) appMs.push(await upload(app.url, admin, store.menus[0], photo));
    const peak = memoryOf(app.pid).peak;
    const up = summary(appMs);
    const base = summary(rawMs);
    console.log(
      `upload, sequential              p50=${fmt(up.p50, 0)} ms  p99=${fmt(up.p99, 0)} ms  ` +
        `peak RSS ${fmt(mib(peak), 0)} MiB   (sharp alone: p50=${fmt(base.p50, 0)} ms p99=${fmt(base.p99, 0)} ms)`,
    );

    // 2. reads with and without 4 uploads at once, in alternating slices (see `alternate`): the uploads run
    // during every other slice and are let finish, unmeasured, before the next quiet one.
    const uploader = await startUploader(app, admin, store.menus.slice(1, 1 + PARALLEL_UPLOADS));
    const command = (type: 'start' | 'pause' | 'stop') =>
      new Promise<UploaderMessage>((resolve) => {
        if (type === 'start') resolve({ type: 'ready' });
        else uploader.once('message', (m: UploaderMessage) => resolve(m));
        uploader.send({ type } satisfies UploaderCommand);
      });
    const served = app;
    await reads(served, tokens, 1); // warm-up
    resetPeak(served.pid);
    const [quiet, busy] = await alternate(
      [
        { pid: app.pid, load: (seconds, onLatency) => reads(served, tokens, seconds, onLatency) },
        {
          pid: app.pid,
          load: async (seconds, onLatency) => {
            await command('start');
            const figures = await reads(served, tokens, seconds, onLatency);
            await command('pause');
            return figures;
          },
        },
      ],
      DURATION,
      SLICES,
    );
    const done = await command('stop');
    const uploadMs = done.type === 'done' ? done.uploadMs : [];
    const uploaded = uploadMs.length;
    const busyPeak = memoryOf(app.pid).peak;
    const ratio = busy.rps / quiet.rps;
    const during = summary(uploadMs);
    console.log(
      `GET /api/v1/menu, no upload       ${fmt(quiet.rps, 0).padStart(6)} req/s  p50=${quiet.p50} ms  p99=${quiet.p99} ms  errors=${quiet.errors + quiet.non2xx}`,
    );
    console.log(
      `GET /api/v1/menu, ${PARALLEL_UPLOADS} uploads      ${fmt(busy.rps, 0).padStart(6)} req/s  p50=${busy.p50} ms  p99=${busy.p99} ms  errors=${busy.errors + busy.non2xx}` +
        `  (${uploaded} uploads done, each p50=${fmt(during.p50, 0)} ms p99=${fmt(during.p99, 0)} ms; peak RSS ${fmt(mib(busyPeak), 0)} MiB)`,
    );
    console.log(`reads during uploads / without: ${fmt(ratio * 100, 0)} % (target: at least 80 %)`);

    const rows: BenchRow[] = [
      {
        case: `upload 4 MB 4032×3024 JPEG, sequential (${UPLOADS})`,
        app: { rps: 1000 / up.mean, p50: up.p50, p99: up.p99, errors: 0, memory: mib(peak) },
        raw: { rps: 1000 / base.mean, p50: base.p50, p99: base.p99, errors: 0 },
        memoryUnit: 'MiB peak RSS',
      },
      {
        case: `GET /api/v1/menu, ${CONNECTIONS} connections, while ${PARALLEL_UPLOADS} uploads run (raw: no upload)`,
        app: {
          rps: busy.rps,
          p50: busy.p50,
          p99: busy.p99,
          errors: busy.errors + busy.non2xx,
          memory: mib(busyPeak),
        },
        raw: { rps: quiet.rps, p50: quiet.p50, p99: quiet.p99, errors: quiet.errors + quiet.non2xx },
        memoryUnit: 'MiB peak RSS',
        target: { text: 'reads ≥ 80 % of those with no upload', met: ratio >= 0.8 },
      },
    ];
    emitResult({
      bench: 'images',
      title: `menu image uploads (4 MB 4032×3024 JPEG) and GET /api/v1/menu beside them, ${DURATION} s per read run`,
      baseline:
        'uploads: the same sharp pipeline in the load generator, no HTTP, storage or database; reads: the same reads with no upload running',
      rows,
      notes: [`${uploaded} uploads completed during the busy read run (p50 ${fmt(during.p50, 0)} ms each)`],
    });
  } finally {
    await app?.stop();
    await db.drop();
  }
}

type UploaderMessage = { type: 'ready' } | { type: 'paused' } | { type: 'done'; uploadMs: number[] };
type UploaderCommand =
  | { type: 'setup'; url: string; token: string; menus: string[] }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'stop' };

/** Forks the uploader and waits until it has its photo, so that its start-up is not measured. */
async function startUploader(app: Server, token: string, menus: string[]) {
  const child = fork(__filename, ['--uploader'], { execArgv: ['-r', 'ts-node/register/transpile-only'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the uploader exited with ${code}`)));
    child.send({ type: 'setup', url: app.url, token, menus } satisfies UploaderCommand);
  });
  child.removeAllListeners('exit');
  return child;
}

/**
 * The child side: PARALLEL_UPLOADS loops, each uploading to its own menu without pause from a start to the next
 * pause (which answers once the uploads under way have ended) or stop (which answers with every upload's time).
 */
function uploaderMain(): void {
  // It stands for a browser on another machine: on this one it takes the CPU the service and the reads leave.
  // Niceness is per thread on Linux: every thread of this process (V8's GC helpers too), not only this one.
  for (const tid of fs.readdirSync('/proc/self/task')) os.setPriority(Number(tid), 10);
  let setup: Extract<UploaderCommand, { type: 'setup' }>;
  let photo: Buffer;
  let running = false;
  let loops: Promise<void>[] = [];
  const uploadMs: number[] = [];
  process.on('message', (command: UploaderCommand) => {
    void (async () => {
      if (command.type === 'setup') {
        setup = command;
        photo = await phonePhoto();
        process.send!({ type: 'ready' } satisfies UploaderMessage);
      } else if (command.type === 'start') {
        running = true;
        loops = setup.menus.map(async (menu) => {
          while (running) uploadMs.push(await upload(setup.url, setup.token, menu, photo));
        });
      } else if (command.type === 'pause') {
        running = false;
        await Promise.all(loops);
        process.send!({ type: 'paused' } satisfies UploaderMessage);
      } else {
        running = false;
        await Promise.all(loops);
        process.send!({ type: 'done', uploadMs } satisfies UploaderMessage, () => process.exit(0));
      }
    })();
  });
}

if (process.argv.includes('--uploader')) uploaderMain();
else
  void main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
