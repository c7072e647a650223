import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { StorePrincipal } from '../../common/auth';
import { eventTableIds, type BusEvent } from './event-types';

/** Tells the browser's EventSource how long to wait before reconnecting (ms). */
export const SSE_RETRY_MS = 3000;
/** A client whose unsent bytes pass this is too slow to keep: it is dropped instead of growing our memory. */
export const MAX_PENDING_BYTES = 1024 * 1024;
/** Live events held for a stream while its Last-Event-ID replay is still being written. */
export const MAX_BUFFERED_EVENTS = 10_000;

/** One serialisation per event, however many streams it goes to. */
const frames = new WeakMap<BusEvent, string>();

function frameOf(event: BusEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event.payload)}\n\n`;
    frames.set(event, frame);
  }
  return frame;
}

export type CloseReason = 'client' | 'revoked' | 'expired' | 'shutdown' | 'slow' | 'error';

/**
 * One open Server-Sent Events response. It writes straight to the Express response (not Nest's @Sse
 * Observable) so that headers, flushing and back-pressure are ours. Every frame goes through `write`, which
 * drops the client once its pending bytes pass MAX_PENDING_BYTES, so a stalled reader costs at most that much.
 *
 * `lastSent` is the store event id up to which this stream is complete: live and replayed events at or below
 * it are skipped, which is what makes replay + live free of duplicates.
 */
export class SseStream {
  readonly id = randomUUID();
  readonly tableId: string | null;
  lastSent = 0;
  /** True once the status line and headers are out. */
  opened = false;
  closed = false;
  /** While true, live events are held in `buffer` (the replay is being written). */
  buffering = false;
  private buffer: BusEvent[] = [];
  private closeListeners: Array<(reason: CloseReason) => void> = [];

  constructor(
    private readonly res: Response,
    readonly principal: StorePrincipal,
    private readonly onDelivered?: (event: BusEvent) => void,
  ) {
    this.tableId = principal.role === 'table' ? (principal.tableId ?? null) : null;
    res.on('close', () => this.finish('client'));
  }

  get storeId(): string {
    return this.principal.storeId;
  }

  get role(): string {
    return this.principal.role;
  }

  onClose(listener: (reason: CloseReason) => void): void {
    this.closeListeners.push(listener);
  }

  /** Status line, headers and the `retry:` frame, flushed at once so the client sees the stream open. */
  open(): void {
    this.opened = true;
    const res = this.res;
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Connection', 'keep-alive');
    // nginx (and ingress-nginx) would otherwise buffer the stream and hold events back.
    res.setHeader('X-Accel-Buffering', 'no');
    res.socket?.setNoDelay(true);
    res.socket?.setKeepAlive(true, 30_000);
    res.flushHeaders();
    this.write(`retry: ${SSE_RETRY_MS}\n\n`);
  }

  /** Tables see their own table's events only (both tables of a move); admins every event of the store. */
  accepts(event: BusEvent): boolean {
    return (
      event.storeId === this.storeId && (this.tableId === null || eventTableIds(event).includes(this.tableId))
    );
  }

  /** A live event from the store feed. */
  deliver(event: BusEvent): void {
    if (this.closed || !this.accepts(event)) return;
    if (this.buffering) {
      if (this.buffer.length >= MAX_BUFFERED_EVENTS) return this.close('slow');
      this.buffer.push(event);
      return;
    }
    this.writeEvent(event);
  }

  /** Writes a replayed event and waits for the socket to drain, so a long replay never piles up in memory. */
  async replay(event: BusEvent): Promise<void> {
    if (this.closed || !this.accepts(event)) return;
    if (!this.writeEvent(event)) await this.drained();
  }

  /** Ends the replay phase: held live events newer than what was replayed go out, in order. */
  flushBuffer(): void {
    const held = this.buffer;
    this.buffer = [];
    this.buffering = false;
    for (const event of held) this.writeEvent(event);
  }

  /** `event: reset`: the requested id is older than the retained events; the client must reload its state. */
  reset(lastSeq: number): void {
    this.write(
      `id: ${lastSeq}\nevent: reset\ndata: ${JSON.stringify({ reason: 'events after the given id are no longer kept; reload the state', eventId: lastSeq })}\n\n`,
    );
    this.lastSent = Math.max(this.lastSent, lastSeq);
  }

  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  /** Ends the response (after an optional final comment); the client's EventSource reconnects after `retry`. */
  close(reason: CloseReason, finalComment?: string): void {
    if (this.closed) return;
    if (reason === 'slow') {
      // Its socket is not draining: a final frame would only queue behind the backlog.
      this.res.destroy();
    } else {
      if (finalComment) this.res.write(`: ${finalComment}\n\n`);
      this.res.end();
    }
    this.finish(reason);
  }

  /** Forgets a stream that never opened (its response is still free for an error envelope). */
  discard(): void {
    this.finish('error');
  }

  private writeEvent(event: BusEvent): boolean {
    if (this.closed || event.seq <= this.lastSent) return true;
    this.lastSent = event.seq;
    const ok = this.write(frameOf(event));
    this.onDelivered?.(event);
    return ok;
  }

  private write(frame: string): boolean {
    if (this.closed) return true;
    const ok = this.res.write(frame);
    if (!ok && this.res.writableLength > MAX_PENDING_BYTES) {
      this.close('slow');
      return true;
    }
    return ok;
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return resolve();
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  private finish(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer = [];
    const listeners = this.closeListeners;
    this.closeListeners = [];
    for (const listener of listeners) listener(reason);
  }
}
