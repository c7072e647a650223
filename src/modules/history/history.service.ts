import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../../common/errors';
import type { StorePrincipal } from '../../common/auth';
import { businessDate, STORE_TIME_ZONE } from '../../common/time';
import { OrderDto, toOrderDto } from '../orders/dto/order.dto';
import { DEFAULT_PAGE_SIZE, DEFAULT_RANGE_DAYS, HistoryQueryDto } from './dto/history-query.dto';
import { toHistorySessionDto, type HistoryPageDto } from './dto/history-page.dto';
import { HistoryRepository, InstantRange } from './history.repository';

/** Adds whole days to a `YYYY-MM-DD` date (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const at = new Date(0);
  at.setUTCFullYear(y, m - 1, d + days);
  return at.toISOString().slice(0, 10);
}

// Building an Intl.DateTimeFormat costs far more than using one: one per zone, made once.
const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Milliseconds the zone's wall clock is ahead of UTC at that instant. */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const parts = wallClock(timeZone).formatToParts(at);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = new Date(0);
  wall.setUTCFullYear(get('year'), get('month') - 1, get('day'));
  wall.setUTCHours(get('hour'), get('minute'), get('second'), 0);
  return wall.getTime() - (at.getTime() - at.getUTCMilliseconds());
}

/**
 * The instant a day starts in the zone (00:00 local). Computed from the zone's rules rather than a fixed +09:00,
 * so the rule stays right for any zone and for historical offsets.
 */
export function startOfDay(date: string, timeZone: string = STORE_TIME_ZONE): Date {
  const [y, m, d] = date.split('-').map(Number);
  const utcMidnight = new Date(0);
  utcMidnight.setUTCFullYear(y, m - 1, d);
  const first = zoneOffsetMs(utcMidnight, timeZone);
  const guess = new Date(utcMidnight.getTime() - first);
  const second = zoneOffsetMs(guess, timeZone);
  return second === first ? guess : new Date(utcMidnight.getTime() - second);
}

export interface ResolvedRange {
  /** Inclusive days, YYYY-MM-DD in the store's zone. */
  fromDate: string;
  toDate: string;
  instants: InstantRange;
}

/**
 * The history window: `to` defaults to today in the store's zone, `from` to 6 days before `to` (7 days in
 * all); the days are inclusive, so the instants are [from 00:00, the day after `to` 00:00) in that zone.
 */
export function resolveRange(
  query: Pick<HistoryQueryDto, 'from' | 'to'>,
  now: Date = new Date(),
  timeZone: string = STORE_TIME_ZONE,
): ResolvedRange {
  const toDate = query.to ?? businessDate(now);
  const fromDate = query.from ?? addDays(toDate, -(DEFAULT_RANGE_DAYS - 1));
  if (fromDate > toDate) {
    throw AppError.validation([{ field: 'from', message: `must not be after to (${toDate})` }]);
  }
  return {
    fromDate,
    toDate,
    instants: { from: startOfDay(fromDate, timeZone), until: startOfDay(addDays(toDate, 1), timeZone) },
  };
}

@Injectable()
export class HistoryService {
  constructor(private readonly history: HistoryRepository) {}

  async list(
    principal: StorePrincipal,
    tableId: string,
    query: HistoryQueryDto,
    now: Date = new Date(),
  ): Promise<HistoryPageDto> {
    const { instants } = resolveRange(query, now);
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;

    const totalCount = await this.history.countSessions(principal.storeId, tableId, instants);
    if (totalCount === null) throw AppError.notFound(ErrorCode.TABLE_NOT_FOUND, 'table not found');
    const pagination = { page, pageSize, totalCount, totalPages: Math.ceil(totalCount / pageSize) };

    const offset = (page - 1) * pageSize;
    if (offset >= totalCount) return { items: [], pagination };

    const sessions = await this.history.findSessions(principal.storeId, tableId, instants, pageSize, offset);
    const orders = await this.history.findOrders(
      principal.storeId,
      sessions.map((s) => s.id),
    );
    const bySession = new Map<string, OrderDto[]>();
    for (const order of orders) {
      const list = bySession.get(order.sessionId) ?? [];
      list.push(toOrderDto(order));
      bySession.set(order.sessionId, list);
    }
    return {
      items: sessions.map((s) => toHistorySessionDto(s, bySession.get(s.id) ?? [])),
      pagination,
    };
  }
}
