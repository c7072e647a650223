import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../common/errors';
import { SseTicketService } from './sse-ticket.service';

/**
 * On GET /api/v1/admin/events only: a `?ticket=` (and no Authorization header) is redeemed for the bearer
 * token it was issued against, which is then put on the request. The global JWT guard stays the one place that
 * authenticates, so a ticket grants exactly what its token grants, for as long as that token is valid.
 */
@Injectable()
export class SseTicketMiddleware implements NestMiddleware {
  constructor(private readonly tickets: SseTicketService) {}

  async use(req: Request, _res: Response, next: NextFunction): Promise<void> {
    // Thrown (not passed to next) so that Nest's exception filter renders the error envelope.
    const ticket = new URL(req.originalUrl ?? req.url, 'http://local').searchParams.get('ticket');
    if (ticket !== null && !req.headers.authorization) {
      if (ticket.length === 0 || ticket.length > 128) throw AppError.badRequest('must be a ticket', 'ticket');
      req.headers.authorization = `Bearer ${await this.tickets.redeem(ticket)}`;
    }
    next();
  }
}
