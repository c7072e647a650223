import { EventEmitter } from 'node:events';
import type { Response } from 'express';
import type { AppConfig } from '../../config';
import { EventHub } from './event-hub';
import type { BusEvent, StoredEvent } from './event-types';
import type { OutboxRepository } from './outbox.repository';
import { MAX_PENDING_BYTES, SseStream } from './sse-stream';
import { createMock } from '../../../test/utils/automock';

const STORE = '00000000-0000-4000-8000-000000000001';
const TABLE = '00000000-0000-4000-8000-0000000000aa';

function event(seq: number, tableId: string | null = TABLE): StoredEvent {
  return {
    id: seq,
    storeId: STORE,
    seq,
    type: 'new_order',
    tableId,
    payload: { eventId: seq, storeId: STORE, tableId, occurredAt: new Date().toISOString() },
    createdAt: Date.now(),
  };
}

/** An Express response that records what is written; `stall` makes writes report a full socket. */
class FakeResponse extends EventEmitter {
  chunks: string[] = [];
  writableLength = 0;
  stall = false;
  ended = false;
  destroyed = false;
  headers: Record<string, string> = {};
  socket = { setNoDelay: () => undefined, setKeepAlive: () => undefined };
  status(): this {
    return this;
  }
  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }
  flushHeaders(): void {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    if (this.stall) this.writableLength += chunk.length;
    return !this.stall;
  }
  end(): void {
    this.ended = true;
    this.emit('close');
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
  ids(): number[] {
    return this.chunks.filter((c) => c.startsWith('id: ')).map((c) => Number(/^id: (\d+)/.exec(c)![1]));
  }
}

interface AfterOptions {
  uptoSeq?: number;
  tableId?: string;
  limit?: number;
}

interface FakeRepo {
  rows: StoredEvent[];
  lastSeq: number;
  eventsAfter: jest.Mock<Promise<StoredEvent[]>, [string, number, AfterOptions]>;
  lastSeqs: jest.Mock<Promise<Map<string, number>>, [string[]]>;
  window: jest.Mock<Promise<{ lastSeq: number; oldestSeq: number | null }>, []>;
}

function setup(table: StoredEvent[], lastSeq = table.length) {
  const repo: FakeRepo = {
    rows: table,
    lastSeq,
    eventsAfter: jest.fn(async (_store: string, after: number, o: AfterOptions): Promise<StoredEvent[]> =>
      repo.rows
        .filter((e) => e.seq > after && (o.uptoSeq === undefined || e.seq <= o.uptoSeq))
        .filter((e) => o.tableId === undefined || e.tableId === o.tableId)
        .slice(0, o.limit ?? 1000),
    ),
    lastSeqs: jest.fn(async (ids: string[]) => new Map(ids.map((id) => [id, repo.lastSeq]))),
    window: jest.fn(async () => ({ lastSeq: repo.lastSeq, oldestSeq: repo.rows[0]?.seq ?? null })),
  };
  const hub = new EventHub(createMock<OutboxRepository>(repo), { outboxPollMs: 1000 } as AppConfig);
  const principal = { role: 'admin' as const, storeId: STORE, adminId: 'a', exp: 9e9 };
  const stream = (p: object = principal): { res: FakeResponse; stream: SseStream } => {
    const res = new FakeResponse();
    const s = new SseStream(res as unknown as Response, { ...principal, ...p } as never);
    return { res, stream: s };
  };
  return { repo, hub, stream };
}

describe('EventHub', () => {
  it('opens a stream only once its store feed has fixed where it starts, so nothing committed after is missed', async () => {
    const { hub, repo, stream } = setup([event(1)], 1);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    repo.lastSeqs.mockImplementationOnce(async (ids: string[]) => {
      await held;
      return new Map(ids.map((id) => [id, repo.lastSeq]));
    });
    const { res, stream: s } = stream();
    const attached = hub.attach(s, null);
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.opened).toBe(false);
    release();
    await attached;
    expect(s.opened).toBe(true);
    repo.rows.push(event(2));
    repo.lastSeq = 2;
    await hub.receive(event(2));
    expect(res.ids()).toEqual([2]);
  });

  it('delivers bus events in order once, dropping duplicates', async () => {
    const { hub, stream } = setup([event(1), event(2)]);
    const { res, stream: s } = stream();
    await hub.attach(s, null);
    const bus = [event(3), event(3), event(4), event(2)];
    for (const e of bus) await hub.receive(e as BusEvent);
    expect(res.ids()).toEqual([3, 4]);
  });

  it('fills a gap from the event table before delivering the newer event', async () => {
    const rows = [event(1), event(2), event(3), event(4)];
    const { hub, repo, stream } = setup(rows.slice(0, 1), 1);
    const { res, stream: s } = stream();
    await hub.attach(s, null);
    repo.rows = rows;
    repo.lastSeq = 4;
    await hub.receive(event(4));
    await hub.receive(event(2));
    await hub.receive(event(3));
    expect(res.ids()).toEqual([2, 3, 4]);
  });

  it('catches up on reconciliation what never arrived on the bus', async () => {
    const { hub, repo, stream } = setup([], 0);
    const { res, stream: s } = stream();
    await hub.attach(s, null);
    repo.rows = [event(1), event(2)];
    repo.lastSeq = 2;
    await hub.reconcile();
    await hub.receive(event(1));
    expect(res.ids()).toEqual([1, 2]);
  });

  it('replays after Last-Event-ID, holding live events until the replay is written, without duplicates', async () => {
    const { hub, repo, stream } = setup([event(1), event(2), event(3)], 3);
    const { res, stream: s } = stream();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const original = repo.eventsAfter.getMockImplementation()!;
    repo.eventsAfter.mockImplementationOnce(async (store: string, after: number, o: AfterOptions) => {
      await gate;
      return original(store, after, o);
    });
    const attaching = hub.attach(s, 1);
    await new Promise((r) => setImmediate(r));
    // Arrives live while the replay is still reading.
    repo.rows.push(event(4));
    repo.lastSeq = 4;
    await hub.receive(event(4));
    release();
    await attaching;
    await hub.receive(event(5));
    expect(res.ids()).toEqual([2, 3, 4, 5]);
  });

  it("gives a table stream only its table's events, replay included", async () => {
    const other = '00000000-0000-4000-8000-0000000000bb';
    const { hub, stream } = setup([event(1), event(2, other), event(3)], 3);
    const { res, stream: s } = stream({ role: 'table', tableId: TABLE, adminId: undefined });
    await hub.attach(s, 0);
    await hub.receive(event(4, other));
    await hub.receive(event(5, TABLE));
    expect(res.ids()).toEqual([1, 3, 5]);
  });

  it('sends reset for an id older than the retained events', async () => {
    const { hub, stream } = setup([event(5), event(6)], 6);
    const { res, stream: s } = stream();
    await hub.attach(s, 2);
    expect(res.chunks.some((c) => c.includes('event: reset'))).toBe(true);
    await hub.receive(event(7));
    expect(res.ids()).toEqual([6, 7]);
  });
});

describe('SseStream back-pressure', () => {
  it('drops a client whose unsent bytes pass the limit, without touching the others', async () => {
    const { hub, stream } = setup([], 0);
    const slow = stream();
    const fast = stream();
    await hub.attach(slow.stream, null);
    await hub.attach(fast.stream, null);
    slow.res.stall = true;
    const big = { ...event(1), payload: { ...event(1).payload, pad: 'x'.repeat(64 * 1024) } };
    let seq = 0;
    while (!slow.res.destroyed && seq < 100) {
      seq++;
      await hub.receive({ ...big, seq, payload: { ...big.payload, eventId: seq } });
    }
    expect(slow.res.destroyed).toBe(true);
    expect(slow.res.writableLength).toBeLessThanOrEqual(MAX_PENDING_BYTES + 70 * 1024);
    expect(fast.res.ids()).toHaveLength(seq);
    expect(fast.stream.closed).toBe(false);
  });
});
