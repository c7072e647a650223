import type { Cache } from 'cache-manager';
import { Keyv } from 'keyv';
import type { MetricsService } from '../metrics/metrics.service';
import { createMock } from '../../../test/utils/automock';
import { MenuCache } from './menu-cache';
import { detectImageType } from './storage/image-type';

describe('MenuCache', () => {
  let store: Keyv;
  /** Each request the cache counted, as [cache, result]. */
  let counted: string[][];
  let cache: MenuCache;

  beforeEach(() => {
    store = new Keyv();
    counted = [];
    const metrics = createMock<MetricsService>({
      cacheRequest: (name: string, result: string) => {
        counted.push([name, result]);
      },
    });
    cache = new MenuCache(createMock<Cache>({ stores: [store] }), metrics);
  });
  afterEach(() => cache.onModuleDestroy());

  it('loads on a miss, then serves the same bytes from the store', async () => {
    let loads = 0;
    const load = () => {
      loads++;
      return Promise.resolve('{"categories":[]}');
    };
    expect(await cache.getOrLoad('s1', load)).toBe('{"categories":[]}');
    expect(await cache.getOrLoad('s1', load)).toBe('{"categories":[]}');
    expect(loads).toBe(1);
    expect(counted).toEqual([
      ['menu', 'miss'],
      ['menu', 'hit'],
    ]);
    expect(await store.get('s1:menu:view')).toMatchObject({ body: '{"categories":[]}' });
  });

  it('invalidation is per store', async () => {
    await cache.getOrLoad('s1', async () => 'one');
    await cache.getOrLoad('s2', async () => 'two');
    await cache.invalidate('s1');
    expect(await cache.getOrLoad('s1', async () => 'one, changed')).toBe('one, changed');
    expect(await cache.getOrLoad('s2', async () => 'not loaded')).toBe('two');
  });

  it('ignores a value loaded before a concurrent invalidation and stored after it', async () => {
    let release!: () => void;
    const slowLoad = new Promise<string>((resolve) => {
      release = () => resolve('stale');
    });
    const reading = cache.getOrLoad('s1', () => slowLoad);
    await new Promise((resolve) => setImmediate(resolve));
    await cache.invalidate('s1'); // the write committed while the read was loading
    release();
    expect(await reading).toBe('stale'); // that request began before the change: fine
    expect(await cache.getOrLoad('s1', async () => 'fresh')).toBe('fresh');
  });

  it('falls back to the database and counts an error when the store fails', async () => {
    jest.spyOn(store, 'getMany').mockRejectedValueOnce(new Error('out of memory'));
    expect(await cache.getOrLoad('s1', async () => 'from db')).toBe('from db');
    expect(counted).toEqual([['menu', 'error']]);
  });

  it('a failed invalidation keeps the store off the cache until a retry succeeds', async () => {
    await cache.getOrLoad('s1', async () => 'old');
    const set = jest.spyOn(store, 'set').mockRejectedValueOnce(new Error('down'));
    await cache.invalidate('s1');
    expect(await cache.getOrLoad('s1', async () => 'new')).toBe('new');
    set.mockRestore();
    await cache.invalidate('s1');
    expect(await cache.getOrLoad('s1', async () => 'newer')).toBe('newer');
    expect(await cache.getOrLoad('s1', async () => 'not loaded')).toBe('newer');
  });
});

/** A store across the network, as the Redis one: each getMany is one round trip, counted. */
class RemoteStore {
  roundTrips = 0;
  private readonly entries = new Map<string, unknown>();
  get(key: string): Promise<unknown> {
    return Promise.resolve(this.entries.get(key));
  }
  getMany(keys: string[]): Promise<unknown[]> {
    this.roundTrips++;
    return Promise.resolve(keys.map((key) => this.entries.get(key)));
  }
  set(key: string, value: unknown): Promise<void> {
    this.entries.set(key, value);
    return Promise.resolve();
  }
  delete(key: string): Promise<boolean> {
    return Promise.resolve(this.entries.delete(key));
  }
  clear(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }
}

describe('MenuCache on a remote store', () => {
  let remote: RemoteStore;
  let store: Keyv;
  let counted: string[][];
  let cache: MenuCache;

  beforeEach(() => {
    remote = new RemoteStore();
    store = new Keyv({ store: remote });
    counted = [];
    const metrics = createMock<MetricsService>({
      cacheRequest: (name: string, result: string) => {
        counted.push([name, result]);
      },
    });
    cache = new MenuCache(createMock<Cache>({ stores: [store] }), metrics);
  });
  afterEach(() => cache.onModuleDestroy());

  it('falls back to the database and counts an error when the store fails or hangs', async () => {
    jest.spyOn(store, 'getMany').mockRejectedValueOnce(new Error('ECONNREFUSED'));
    expect(await cache.getOrLoad('s1', async () => 'from db')).toBe('from db');
    jest.spyOn(store, 'getMany').mockReturnValueOnce(new Promise(() => undefined));
    expect(await cache.getOrLoad('s1', async () => 'from db again')).toBe('from db again');
    expect(counted).toEqual([
      ['menu', 'error'],
      ['menu', 'error'],
    ]);
  });

  it('reads of one store arriving in the same turn share one round trip; other stores and later reads do not', async () => {
    await cache.getOrLoad('s1', async () => 'one');
    await cache.getOrLoad('s2', async () => 'two');
    remote.roundTrips = 0;
    const together = await Promise.all([
      cache.getOrLoad('s1', async () => 'not loaded'),
      cache.getOrLoad('s1', async () => 'not loaded'),
      cache.getOrLoad('s1', async () => 'not loaded'),
      cache.getOrLoad('s2', async () => 'not loaded'),
    ]);
    expect(together).toEqual(['one', 'one', 'one', 'two']);
    expect(remote.roundTrips).toBe(2);
    await cache.getOrLoad('s1', async () => 'not loaded');
    expect(remote.roundTrips).toBe(3);
  });

  it('a read arriving after an invalidation never shares a lookup sent before it', async () => {
    await cache.getOrLoad('s1', async () => 'old');
    const before = cache.getOrLoad('s1', async () => 'not loaded');
    // The lookup of `before` is sent once this turn ends; the change commits and invalidates after that.
    await new Promise((resolve) => setImmediate(resolve));
    await cache.invalidate('s1');
    const after = cache.getOrLoad('s1', async () => 'new');
    expect(await before).toBe('old');
    expect(await after).toBe('new');
  });
});

describe('detectImageType', () => {
  it.each([
    ['ffd8ffe000104a464946', 'jpg'],
    ['89504e470d0a1a0a0000000d', 'png'],
    [Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1').toString('hex'), 'webp'],
    [Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8L', 'latin1').toString('hex'), 'webp'],
    [Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1').toString('hex'), null],
    [Buffer.from('GIF89a', 'latin1').toString('hex'), null],
    [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('hex'), null],
    ['ffd8', null],
    ['', null],
  ])('%s → %s', (hex, expected) => {
    expect(detectImageType(Buffer.from(hex, 'hex'))).toBe(expected);
  });
});
