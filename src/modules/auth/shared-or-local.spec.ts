import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { createMock } from '../../../test/utils/automock';
import type { DependencyStatus } from '../metrics/dependency-status';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { FallbackThrottlerStorage } from './redis-throttler.storage';

describe('FallbackThrottlerStorage', () => {
  let down: boolean;
  let shared: MemoryThrottlerStorage;
  let flaky: ThrottlerStorage;
  /** Each warn-level line, as the arguments it was logged with. */
  let warned: unknown[][];

  beforeEach(() => {
    down = false;
    shared = new MemoryThrottlerStorage();
    flaky = {
      increment: (...args: Parameters<ThrottlerStorage['increment']>) =>
        down
          ? Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false"))
          : shared.increment(...args),
    };
    warned = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((...args: unknown[]) => {
      warned.push(args);
    });
  });

  afterEach(() => jest.restoreAllMocks());

  const hit = (storage: ThrottlerStorage) =>
    storage.increment('ip:203.0.113.9', 60_000, 2, 60_000, 'default');

  it('keeps limiting on its own while the shared store is unreachable, and shares again once it is back', async () => {
    const redisDown = createMock<DependencyStatus>({ isDown: () => down });
    const a = new FallbackThrottlerStorage(flaky, new MemoryThrottlerStorage(), redisDown);
    const b = new FallbackThrottlerStorage(flaky, new MemoryThrottlerStorage(), redisDown);
    expect(await hit(a)).toMatchObject({ totalHits: 1, isBlocked: false });

    down = true;
    // Each instance counts on its own: two allowed on each, the third refused.
    expect((await Promise.all([hit(a), hit(a), hit(a)])).map((r) => r.isBlocked)).toEqual([
      false,
      false,
      true,
    ]);
    expect((await Promise.all([hit(b), hit(b), hit(b)])).map((r) => r.isBlocked)).toEqual([
      false,
      false,
      true,
    ]);

    down = false;
    // The shared count goes on from where it was (one hit), whichever instance is asked.
    expect(await hit(b)).toMatchObject({ totalHits: 2, isBlocked: false });
    expect(await hit(a)).toMatchObject({ totalHits: 3, isBlocked: true });
    // The outage is DependencyStatus's to log.
    expect(warned).toEqual([]);
  });

  it('warns, at most every 10 s, when the shared store fails while Redis is believed up', async () => {
    const storage = new FallbackThrottlerStorage(
      flaky,
      new MemoryThrottlerStorage(),
      createMock<DependencyStatus>({ isDown: () => false }),
    );
    down = true;
    await hit(storage);
    await hit(storage);
    expect(await hit(storage)).toMatchObject({ totalHits: 3, isBlocked: true });
    expect(warned.map((args) => args[1])).toEqual(['counted per instance: the shared store failed']);
  });
});
