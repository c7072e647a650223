import { EventEmitter } from 'node:events';
import type Redis from 'ioredis';
import type { KeyvStoreAdapter, StoredData } from 'keyv';

/**
 * A Keyv store over the instance's one ioredis client (RedisModule), so the cache shares its connection, its
 * REDIS_KEY_PREFIX (the client applies it to every key) and its outage policy: no offline queue, so while Redis
 * is down every call rejects at once, and the client's reconnect loop and DependencyStatus report the outage.
 * Keyv serializes the values (`textSerialization`); this store keeps them as strings with a millisecond TTL. Errors are not caught here:
 * the caller (MenuCache) counts and logs them and falls back to the database.
 *
 * The store never closes the client: RedisModule owns it.
 */
export class RedisKeyvStore extends EventEmitter implements KeyvStoreAdapter {
  readonly opts = { dialect: 'redis' };
  namespace?: string;

  constructor(private readonly client: Redis) {
    super();
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    return ((await this.client.get(key)) ?? undefined) as StoredData<Value> | undefined;
  }

  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    if (keys.length === 0) return [];
    const values = await this.client.mget(keys);
    return values.map((value) => (value ?? undefined) as StoredData<Value | undefined>);
  }

  async set(key: string, value: string, ttl?: number): Promise<void> {
    if (ttl !== undefined && ttl > 0) await this.client.set(key, value, 'PX', ttl);
    else await this.client.set(key, value);
  }

  async delete(key: string): Promise<boolean> {
    return (await this.client.unlink(key)) > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    return keys.length > 0 && (await this.client.unlink(...keys)) > 0;
  }

  async has(key: string): Promise<boolean> {
    return (await this.client.exists(key)) > 0;
  }

  /**
   * Deletes every key under this client's prefix. SCAN patterns and the keys it answers are not prefixed by the
   * client, so the prefix is matched here and stripped before the client adds it back.
   */
  async clear(): Promise<void> {
    const prefix = this.client.options.keyPrefix ?? '';
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await this.client.unlink(...keys.map((key) => key.slice(prefix.length)));
    } while (cursor !== '0');
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

type Envelope<Value> = { value?: Value; expires?: number | undefined };

/**
 * How Keyv writes values into this store. Its default wraps each value in JSON, `{"value": …, "expires": …}`, and
 * parses that back on every hit: for a cached response body that is an escaped copy of the whole text, parsed per
 * request. A string value is stored as `t<expires>:<text>` instead and read back with one slice; any other value,
 * and an entry written in Keyv's JSON form (it starts with `{`), takes the JSON path.
 */
export const textSerialization = {
  serialize: <Value>({ value, expires }: Envelope<Value>): string =>
    typeof value === 'string' ? `t${expires ?? ''}:${value}` : JSON.stringify({ value, expires }),
  deserialize: <Value>(data: string): Envelope<Value> | undefined => {
    if (!data.startsWith('t')) return JSON.parse(data) as Envelope<Value>;
    const colon = data.indexOf(':');
    const expires = colon > 1 ? Number(data.slice(1, colon)) : undefined;
    return { value: data.slice(colon + 1) as Value, expires };
  },
};
