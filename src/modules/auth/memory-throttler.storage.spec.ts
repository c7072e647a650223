import { MemoryThrottlerStorage } from './memory-throttler.storage';

describe('MemoryThrottlerStorage', () => {
  afterEach(() => jest.useRealTimers());

  it('counts hits in a fixed window and blocks beyond the limit until the window ends', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const storage = new MemoryThrottlerStorage();
    const hit = () => storage.increment('sub:a', 60_000, 2, 60_000, 'default');
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false, timeToExpire: 60 });
    expect(await hit()).toMatchObject({ totalHits: 2, isBlocked: false });
    jest.setSystemTime(1_000_000 + 45_000);
    expect(await hit()).toMatchObject({ totalHits: 3, isBlocked: true, timeToBlockExpire: 15 });
    // Another key and another throttler have their own windows.
    expect(await storage.increment('sub:b', 60_000, 2, 60_000, 'default')).toMatchObject({ totalHits: 1 });
    expect(await storage.increment('sub:a', 60_000, 2, 60_000, 'login')).toMatchObject({ totalHits: 1 });
    jest.setSystemTime(1_000_000 + 60_000);
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false, timeToExpire: 60 });
  });
});
