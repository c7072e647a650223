import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Auth, CurrentPrincipal } from '../../common/auth';
import type { StorePrincipal } from '../../common/auth';
import { AppError, ErrorEnvelopeDto } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { EmptyBodyPipe } from '../../common/http/empty-body.pipe';
import { ApiSseResponse } from '../../common/http/api-sse-response';
import { EventStreamQueryDto } from './dto/event-stream-query.dto';
import { EventTicketDto } from './dto/event-ticket.dto';
import { SseTicketService } from './sse-ticket.service';
import { SseService } from './sse.service';

const STREAM_DESCRIPTION =
  'Server-Sent Events (`text/event-stream`). The first frame is `retry: 3000`; a comment `: ping` follows every ' +
  'SSE_HEARTBEAT_MS. Each event is `id: <eventId>` (increasing within the store), `event: <type>` and ' +
  '`data: <JSON>`; types: `new_order` {eventId, storeId, tableId, occurredAt, order}, `order_updated` {…, order}, ' +
  '`order_deleted` {…, orderId}, `table_reset` {…, sessionId, completedAt}, `table_moved` {…, fromTableId, ' +
  'toTableId, sessionId, merged} (tableId is the source table; a table stream gets it for either table), ' +
  '`staff_call` {…, call}, `staff_call_resolved` {…, call}. With `Last-Event-ID` (header) or ' +
  '`lastEventId` (query) every later event is replayed in order, then the stream continues live, without gap or ' +
  'duplicate. Events are kept 24 h: an older id (or one the store never reached) gets `event: reset` first, ' +
  'meaning reload the state through the REST endpoints. Streams of a revoked or expired token are closed.';

const STREAM_ERRORS = {
  badRequest: {
    type: ErrorEnvelopeDto,
    description: 'VALIDATION_ERROR: lastEventId / Last-Event-ID is not a non-negative integer',
  },
  tooMany: {
    type: ErrorEnvelopeDto,
    description:
      'RATE_LIMIT_EXCEEDED: too many open streams for this login (5 per admin, 2 per table), with Retry-After',
  },
};

/** What both stream endpoints document: the frames and event types, Last-Event-ID, and their own errors. */
function ApiEventStream(): MethodDecorator {
  return applyDecorators(
    ApiSseResponse(EVENT_DOCS, 'the event stream'),
    ApiHeader({ name: 'Last-Event-ID', required: false, description: 'resume after this event id' }),
    ApiBadRequestResponse(STREAM_ERRORS.badRequest),
    ApiTooManyRequestsResponse(STREAM_ERRORS.tooMany),
  );
}

const EVENT_DOCS = [
  { type: 'new_order', description: 'an order was placed: {eventId, storeId, tableId, occurredAt, order}' },
  {
    type: 'order_updated',
    description: "an order's status changed: {eventId, storeId, tableId, occurredAt, order}",
  },
  {
    type: 'order_deleted',
    description: 'an order was deleted: {eventId, storeId, tableId, occurredAt, orderId}',
  },
  {
    type: 'table_reset',
    description:
      'a table session was completed (이용 완료): {eventId, storeId, tableId, occurredAt, sessionId, completedAt}',
  },
  {
    type: 'table_moved',
    description:
      'a party moved (자리 이동) or merged (합석, merged: true) to another table: {eventId, storeId, tableId ' +
      '(the source), occurredAt, fromTableId, toTableId, sessionId (move: the moved session; merge: the ' +
      'target’s), merged}; both tables’ streams get it',
  },
  {
    type: 'staff_call',
    description:
      'a table called staff (직원 호출): {eventId, storeId, tableId, occurredAt, call: StaffCallDto}',
  },
  {
    type: 'staff_call_resolved',
    description:
      'a staff call was resolved (by an admin, by 이용 완료, or by a move onto a table with the same open ' +
      'reason): {eventId, storeId, tableId, occurredAt, call: StaffCallDto}',
  },
  {
    type: 'reset',
    description: 'the requested Last-Event-ID is no longer kept: reload through the REST endpoints',
  },
];

@ApiTags('events')
@Controller(API_PREFIX)
export class EventsController {
  constructor(
    private readonly sse: SseService,
    private readonly tickets: SseTicketService,
  ) {}

  @Get('admin/events')
  @Auth('admin')
  @ApiOperation({
    summary: 'Live events of the store (admin dashboard)',
    description: `${STREAM_DESCRIPTION} Browsers' EventSource cannot send headers: use \`?ticket=\` from POST /api/v1/admin/events/ticket instead of the Authorization header (401 INVALID_TOKEN when unknown or used, TOKEN_EXPIRED after 60 s).`,
  })
  @ApiEventStream()
  adminStream(
    @CurrentPrincipal() principal: StorePrincipal,
    @Query() query: EventStreamQueryDto,
    @Headers('last-event-id') header: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    return this.sse.open(res, principal, lastEventIdOf(header, query));
  }

  @Get('orders/events')
  @Auth('table')
  @ApiOperation({
    summary: "Live events of the caller's own table (tablet)",
    description: STREAM_DESCRIPTION,
  })
  @ApiEventStream()
  tableStream(
    @CurrentPrincipal() principal: StorePrincipal,
    @Query() query: EventStreamQueryDto,
    @Headers('last-event-id') header: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    if (query.ticket !== undefined)
      throw AppError.badRequest('is only accepted on the admin stream', 'ticket');
    return this.sse.open(res, principal, lastEventIdOf(header, query));
  }

  @Post('admin/events/ticket')
  @HttpCode(201)
  @Auth('admin')
  @ApiOperation({
    summary: 'A single-use, 60-second ticket for EventSource',
    description: 'Open GET /api/v1/admin/events?ticket=… within 60 s; the ticket works once.',
  })
  @ApiCreatedResponse({ type: EventTicketDto })
  issueTicket(@Req() req: Request, @Body(EmptyBodyPipe) _body: unknown): Promise<EventTicketDto> {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) throw AppError.badRequest('a bearer token is required to issue a ticket', 'authorization');
    return this.tickets.issue(token);
  }
}

function lastEventIdOf(header: string | undefined, query: EventStreamQueryDto): number | null {
  const raw = header !== undefined && header.trim() !== '' ? header.trim() : query.lastEventId;
  if (raw === undefined) return null;
  if (!/^\d{1,15}$/.test(raw)) {
    throw AppError.validation([{ field: 'Last-Event-ID', message: 'must be a non-negative integer' }]);
  }
  return Number(raw);
}
