import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppError, ErrorCode } from '../../common/errors';
import { REDIS } from '../../common/redis/redis.module';

/** API.md: a ticket is good for 60 s and one connection. */
export const TICKET_TTL_SECONDS = 60;
/** Kept a little past expiry so that a late use answers TOKEN_EXPIRED rather than INVALID_TOKEN. */
const KEEP_SECONDS = TICKET_TTL_SECONDS * 2;

interface TicketValue {
  /** The admin's access token; the global JWT guard checks it again when the ticket is used. */
  token: string;
  expiresAt: number;
}

/**
 * Single-use tickets for browsers' EventSource, which cannot send an Authorization header. A ticket stands for
 * the admin's bearer token for one connection: redeeming it (GETDEL, so it works once across instances)
 * yields that token, and the request is then authenticated exactly like a bearer request, revocation included.
 * In Redis when REDIS_URL is set, in this process otherwise.
 */
@Injectable()
export class SseTicketService {
  private readonly local = new Map<string, TicketValue>();

  constructor(@Inject(REDIS) private readonly redis: Redis | null) {}

  async issue(token: string): Promise<{ ticket: string; expiresIn: number }> {
    const ticket = randomBytes(32).toString('base64url');
    const value: TicketValue = { token, expiresAt: Date.now() + TICKET_TTL_SECONDS * 1000 };
    if (this.redis) {
      try {
        await this.redis.set(ticketKey(ticket), JSON.stringify(value), 'EX', KEEP_SECONDS);
      } catch {
        throw AppError.unavailable('tickets cannot be issued right now');
      }
    } else {
      this.sweepLocal();
      this.local.set(ticket, value);
    }
    return { ticket, expiresIn: TICKET_TTL_SECONDS };
  }

  /** The token the ticket stands for; the ticket is gone afterwards. 401 when unknown, used or expired. */
  async redeem(ticket: string): Promise<string> {
    let value: TicketValue | undefined;
    if (this.redis) {
      let raw: string | null;
      try {
        raw = await this.redis.getdel(ticketKey(ticket));
      } catch {
        throw AppError.unavailable('tickets cannot be checked right now');
      }
      value = raw ? (JSON.parse(raw) as TicketValue) : undefined;
    } else {
      value = this.local.get(ticket);
      this.local.delete(ticket);
    }
    if (!value)
      throw AppError.unauthorized(ErrorCode.INVALID_TOKEN, 'the ticket is unknown or was already used');
    if (value.expiresAt <= Date.now())
      throw AppError.unauthorized(ErrorCode.TOKEN_EXPIRED, 'the ticket has expired');
    return value.token;
  }

  private sweepLocal(): void {
    const cutoff = Date.now() - (KEEP_SECONDS - TICKET_TTL_SECONDS) * 1000;
    for (const [ticket, value] of this.local) {
      if (value.expiresAt < cutoff) this.local.delete(ticket);
    }
  }
}

function ticketKey(ticket: string): string {
  return `sse-ticket:${ticket}`;
}
