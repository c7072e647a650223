/**
 * The application for the benchmarks, in its own process: createApp(loadConfig()) from src/app.factory.ts,
 * configured by the environment the harness passes (bench/orders-support.ts, spawnApp). Prints `listening <port>`.
 *
 * With BENCH_PROFILE=<dir>, SIGUSR2 starts V8's CPU profiler and the next SIGUSR2 stops it and writes
 * `<dir>/app-<pid>-<n>.cpuprofile`, then prints `profiled <file>`: the harness brackets a measured run with the two
 * signals, so a profile holds that run alone (no start-up, no warm-up) and its request count is known. With
 * BENCH_PROFILE_HEAP=all (or `survivors`) the profile is V8's sampling heap profile instead, `.heapprofile`: where
 * the run's allocations were made (or only those that outlived a scavenge, the ones the GC copies).
 */
import * as fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as path from 'node:path';
import 'reflect-metadata';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config';

function profileOnSignal(dir: string, heap: string | undefined): void {
  const session = new Session();
  session.connect();
  let running = false;
  let count = 0;
  let busy = Promise.resolve();
  process.on('SIGUSR2', () => {
    busy = busy.then(async () => {
      if (!running) {
        if (heap) {
          await session.post('HeapProfiler.enable');
          await session.post('HeapProfiler.startSampling', {
            samplingInterval: 4096,
            includeObjectsCollectedByMajorGC: true,
            includeObjectsCollectedByMinorGC: heap === 'all',
          });
        } else {
          await session.post('Profiler.enable');
          await session.post('Profiler.start');
        }
        running = true;
        return;
      }
      const { profile } = heap
        ? await session.post('HeapProfiler.stopSampling')
        : await session.post('Profiler.stop');
      running = false;
      const file = path.join(dir, `app-${process.pid}-${++count}.${heap ? 'heapprofile' : 'cpuprofile'}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, JSON.stringify(profile));
      console.log(`profiled ${file}`);
    });
  });
}

async function main(): Promise<void> {
  if (process.env.BENCH_PROFILE) profileOnSignal(process.env.BENCH_PROFILE, process.env.BENCH_PROFILE_HEAP);
  const app = await createApp(loadConfig({ PORT: '0' }));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  console.log(`listening ${port}`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main();
