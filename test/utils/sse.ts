import * as http from 'node:http';

/** One `id:/event:/data:` frame as a client sees it. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
  /** `data` parsed as JSON (undefined when it is not JSON). */
  // oxlint-disable-next-line typescript/no-explicit-any -- tests read arbitrary payload fields
  json: any;
  /** Date.now() when the frame was parsed. */
  receivedAt: number;
}

export interface SseOpenOptions {
  headers?: Record<string, string>;
  /** Give up waiting for the response head after this long. */
  timeoutMs?: number;
}

/**
 * A raw Server-Sent Events client for tests and benchmarks: one HTTP request on its own socket, frames parsed
 * as the EventSource spec does (`retry:`, comments, `id:`/`event:`/`data:`), nothing reconnected behind the
 * test's back. A non-200 answer is read whole into `body` (the JSON error envelope).
 */
export class SseClient {
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  /** The error envelope (or other body) of a non-200 answer. */
  // oxlint-disable-next-line typescript/no-explicit-any -- tests read arbitrary envelope fields
  body: any;
  retry?: number;
  readonly comments: string[] = [];
  readonly events: SseEvent[] = [];
  /** Frames in arrival order: `retry:<n>`, `:<comment>` or the event name. */
  readonly frames: string[] = [];
  ended = false;
  readonly endedPromise: Promise<void>;

  private buffer = '';
  private req?: http.ClientRequest;
  private res?: http.IncomingMessage;
  private waiters: Array<() => void> = [];
  private markEnded!: () => void;

  private constructor() {
    this.endedPromise = new Promise<void>((resolve) => (this.markEnded = resolve));
  }

  static open(baseUrl: string, path: string, options: SseOpenOptions = {}): Promise<SseClient> {
    const client = new SseClient();
    const url = new URL(path, baseUrl);
    return new Promise<SseClient>((resolve, reject) => {
      const req = http.request(
        url,
        { method: 'GET', agent: false, headers: { Accept: 'text/event-stream', ...options.headers } },
        (res) => {
          client.res = res;
          client.status = res.statusCode ?? 0;
          client.headers = res.headers;
          res.setEncoding('utf8');
          const finish = (): void => client.end();
          res.on('end', finish);
          res.on('close', finish);
          res.on('error', finish);
          if (client.status !== 200) {
            let text = '';
            res.on('data', (chunk: string) => (text += chunk));
            res.on('end', () => {
              try {
                client.body = JSON.parse(text);
              } catch {
                client.body = text;
              }
              resolve(client);
            });
            return;
          }
          res.on('data', (chunk: string) => client.feed(chunk));
          resolve(client);
        },
      );
      client.req = req;
      req.setTimeout(options.timeoutMs ?? 10_000, () => {
        if (!client.res) req.destroy(new Error(`no response from ${url.pathname} within the timeout`));
      });
      req.on('error', (error) => {
        client.end();
        if (!client.res) reject(error);
      });
      req.end();
    });
  }

  /** Resolves once `predicate` holds (checked after every frame), rejects after `timeoutMs`. */
  waitFor(predicate: (client: SseClient) => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (predicate(this)) {
          cleanup();
          resolve();
        } else if (this.ended) {
          cleanup();
          reject(new Error(`stream ended before ${what}; events: ${this.describe()}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; events: ${this.describe()}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
      };
      this.waiters.push(check);
    });
  }

  /** Waits until at least `count` events arrived; returns all events so far. */
  async waitForEvents(count: number, timeoutMs = 5000): Promise<SseEvent[]> {
    await this.waitFor((c) => c.events.length >= count, timeoutMs, `${count} event(s)`);
    return this.events;
  }

  /** Resolves once the server ended the stream. */
  waitForEnd(timeoutMs = 5000): Promise<void> {
    return this.waitFor((c) => c.ended, timeoutMs, 'the end of the stream');
  }

  /** Ids of the events received so far, as numbers. */
  ids(): number[] {
    return this.events.map((e) => Number(e.id));
  }

  close(): void {
    this.req?.destroy();
    this.res?.destroy();
    this.end();
  }

  private describe(): string {
    return JSON.stringify(this.events.map((e) => `${e.id}:${e.event}`));
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.markEnded();
    this.notify();
  }

  private notify(): void {
    for (const waiter of this.waiters) waiter();
  }

  private feed(chunk: string): void {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    let boundary: number;
    while ((boundary = this.buffer.indexOf('\n\n')) >= 0) {
      const frame = this.buffer.slice(0, boundary);
      this.buffer = this.buffer.slice(boundary + 2);
      this.parseFrame(frame);
    }
    this.notify();
  }

  private parseFrame(frame: string): void {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    let isEvent = false;
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) {
        const text = line.slice(1).trim();
        this.comments.push(text);
        this.frames.push(`:${text}`);
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'retry') {
        this.retry = Number(value);
        this.frames.push(`retry:${value}`);
      } else if (field === 'id') {
        id = value;
        isEvent = true;
      } else if (field === 'event') {
        event = value;
        isEvent = true;
      } else if (field === 'data') {
        data.push(value);
        isEvent = true;
      }
    }
    if (!isEvent) return;
    const text = data.join('\n');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    this.events.push({ id, event, data: text, json, receivedAt: Date.now() });
    this.frames.push(event);
  }
}

/** Opens a stream and asserts nothing: callers check `status`. */
export const openSse = (baseUrl: string, path: string, options?: SseOpenOptions): Promise<SseClient> =>
  SseClient.open(baseUrl, path, options);
