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
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal } from '../../common/auth';
import type { StorePrincipal } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { EmptyBodyPipe } from '../../common/http/empty-body.pipe';
import { ApiEventModels, eventStreamContent } from '../../common/http/api-sse-response';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { LIVE_EVENTS } from './dto/live-event.dto';
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

const STREAM_ERRORS = [
  [ErrorCode.VALIDATION_ERROR, 'lastEventId / Last-Event-ID is not a non-negative integer'],
  [ErrorCode.RATE_LIMIT_EXCEEDED, 'too many open streams for this login (5 per admin, 2 per table)'],
] as const;

const STREAM_SUCCESS = {
  status: 200,
  description: 'the event stream',
  content: eventStreamContent(LIVE_EVENTS),
} as const;

/** What both stream endpoints document beside `@Endpoint`: Last-Event-ID and the event classes. */
function ApiEventStream(): MethodDecorator {
  return applyDecorators(
    ApiEventModels(LIVE_EVENTS),
    ApiHeader({
      name: 'Last-Event-ID',
      required: false,
      description: 'resume after this event id',
      schema: { type: 'string', pattern: '^\\d{1,15}$' },
    }),
  );
}

@ApiTags('events')
@Controller(API_PREFIX)
export class EventsController {
  constructor(
    private readonly sse: SseService,
    private readonly tickets: SseTicketService,
  ) {}

  @Get('admin/events')
  @Endpoint({
    operationId: 'streamStoreEvents',
    auth: 'admin',
    sseTicket: true,
    summary: 'Live events of the store (admin dashboard)',
    description: `${STREAM_DESCRIPTION} Browsers' EventSource cannot send headers: use \`?ticket=\` from POST /api/v1/admin/events/ticket instead of the Authorization header (401 INVALID_TOKEN when unknown or used, TOKEN_EXPIRED after 60 s).`,
    validates: true,
    success: STREAM_SUCCESS,
    errors: STREAM_ERRORS,
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
  @Endpoint({
    operationId: 'streamTableEvents',
    auth: 'table',
    summary: "Live events of the caller's own table (tablet)",
    description: STREAM_DESCRIPTION,
    validates: true,
    success: STREAM_SUCCESS,
    errors: STREAM_ERRORS,
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
  @Endpoint({
    operationId: 'issueEventTicket',
    auth: 'admin',
    summary: 'A single-use, 60-second ticket for EventSource',
    description: 'Open GET /api/v1/admin/events?ticket=… within 60 s; the ticket works once. Send no body.',
    jsonBody: true,
    success: { status: 201, type: EventTicketDto, description: 'the ticket' },
  })
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
