import { AppError } from '../../common/errors';
import type { StorePrincipal } from '../../common/auth';
import { isCalendarDate } from './dto/history-query.dto';
import { createMock } from '../../../test/utils/automock';
import type { OrderSnapshot } from '../orders/dto/order.dto';
import type { ArchivedSessionRow, HistoryRepository, InstantRange } from './history.repository';
import { addDays, HistoryService, resolveRange, startOfDay } from './history.service';

const admin: StorePrincipal = { role: 'admin', storeId: 'store-1', adminId: 'admin-1', exp: 0 };
const TABLE = 'table-1';

interface ArchivedSession extends ArchivedSessionRow {
  storeId: string;
  tableId: string;
}

/** The archive in memory, answering as HistoryRepository does (newest first, half-open ranges, null for a foreign table). */
class ArchiveFake {
  readonly tables = [
    { id: TABLE, storeId: 'store-1' },
    { id: 'table-2', storeId: 'store-2' },
  ];
  readonly sessions: ArchivedSession[] = [];
  readonly orders: Array<OrderSnapshot & { storeId: string }> = [];

  /** `count` sessions of TABLE, the first completed at `newest` and each next one an hour earlier, two orders each. */
  addSessions(
    count: number,
    newest = new Date(Date.UTC(2026, 2, 1, 12)),
    storeId = 'store-1',
    tableId = TABLE,
  ) {
    for (let i = 0; i < count; i++) {
      const id = `${tableId === TABLE ? '' : `${tableId}-`}s${this.sessions.length}`;
      const completedAt = new Date(newest.getTime() - i * 3_600_000);
      this.sessions.push({
        id,
        storeId,
        tableId,
        startedAt: new Date(completedAt.getTime() - 2 * 3_600_000),
        completedAt,
        totalAmount: 1000 * (i + 1),
      });
      for (const n of [0, 1]) {
        this.orders.push({
          storeId,
          id: `${id}-o${n}`,
          orderNumber: i * 2 + n + 1,
          tableId,
          tableNumber: 7,
          sessionId: id,
          status: 'COMPLETED',
          items: [{ menuId: 'm1', menuName: '김밥', unitPrice: 500, quantity: n + 1 }],
          createdAt: '2026-03-01T01:00:00+09:00',
          updatedAt: new Date(Date.UTC(2026, 2, 1, 0, 30)),
        });
      }
    }
    return this;
  }

  private inRange(storeId: string, tableId: string, range: InstantRange): ArchivedSession[] {
    return this.sessions
      .filter(
        (s) =>
          s.storeId === storeId &&
          s.tableId === tableId &&
          s.completedAt >= range.from &&
          s.completedAt < range.until,
      )
      .sort((x, y) => y.completedAt.getTime() - x.completedAt.getTime() || y.id.localeCompare(x.id));
  }

  countSessions(storeId: string, tableId: string, range: InstantRange): Promise<number | null> {
    if (!this.tables.some((t) => t.id === tableId && t.storeId === storeId)) return Promise.resolve(null);
    return Promise.resolve(this.inRange(storeId, tableId, range).length);
  }

  findSessions(storeId: string, tableId: string, range: InstantRange, limit: number, offset: number) {
    const page = this.inRange(storeId, tableId, range).slice(offset, offset + limit);
    return Promise.resolve(
      page.map(({ id, startedAt, completedAt, totalAmount }) => ({
        id,
        startedAt,
        completedAt,
        totalAmount,
      })),
    );
  }

  findOrders(storeId: string, sessionIds: string[]): Promise<OrderSnapshot[]> {
    return Promise.resolve(
      this.orders.filter((o) => o.storeId === storeId && sessionIds.includes(o.sessionId)),
    );
  }
}

const service = (archive: ArchiveFake) => new HistoryService(createMock<HistoryRepository>(archive));

describe('history date range (Asia/Seoul)', () => {
  it('starts a Seoul day at 15:00 UTC the day before', () => {
    expect(startOfDay('2026-03-01').toISOString()).toBe('2026-02-28T15:00:00.000Z');
    expect(startOfDay('2024-02-29').toISOString()).toBe('2024-02-28T15:00:00.000Z');
    expect(startOfDay('2026-01-01').toISOString()).toBe('2025-12-31T15:00:00.000Z');
  });

  it('follows the zone rules rather than a fixed offset (Seoul had summer time in 1988)', () => {
    expect(startOfDay('1988-07-01').toISOString()).toBe('1988-06-30T14:00:00.000Z');
    expect(startOfDay('2026-07-01', 'America/New_York').toISOString()).toBe('2026-07-01T04:00:00.000Z');
  });

  it('adds calendar days across months and leap days', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('defaults to today in Seoul and the 6 days before it', () => {
    // 2026-03-01T15:30Z is already 00:30 on 2026-03-02 in Seoul.
    const range = resolveRange({}, new Date('2026-03-01T15:30:00Z'));
    expect(range.fromDate).toBe('2026-02-24');
    expect(range.toDate).toBe('2026-03-02');
    expect(range.instants.from.toISOString()).toBe('2026-02-23T15:00:00.000Z');
    expect(range.instants.until.toISOString()).toBe('2026-03-02T15:00:00.000Z');
  });

  it('takes `from` 6 days before an explicit `to`, and `to` as today when only `from` is given', () => {
    const now = new Date('2026-03-10T03:00:00Z');
    expect(resolveRange({ to: '2026-03-05' }, now).fromDate).toBe('2026-02-27');
    expect(resolveRange({ from: '2026-01-01' }, now)).toMatchObject({
      fromDate: '2026-01-01',
      toDate: '2026-03-10',
    });
  });

  it('covers whole days, inclusive at both ends', () => {
    const { instants } = resolveRange({ from: '2026-03-01', to: '2026-03-01' });
    expect(instants.from.toISOString()).toBe('2026-02-28T15:00:00.000Z');
    expect(instants.until.toISOString()).toBe('2026-03-01T15:00:00.000Z');
  });

  it('refuses from after to with a validation error on `from`', () => {
    expect(() => resolveRange({ from: '2026-03-02', to: '2026-03-01' })).toThrow(AppError);
    try {
      resolveRange({ from: '2026-03-11' }, new Date('2026-03-10T03:00:00Z'));
      throw new Error('expected a validation error');
    } catch (error) {
      expect(error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
      expect((error as AppError).options.errors?.[0].field).toBe('from');
    }
  });

  it('knows which dates exist', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('2026-00-10')).toBe(false);
    expect(isCalendarDate('2026-3-1')).toBe(false);
    expect(isCalendarDate('2026-03-01T00:00:00Z')).toBe(false);
    expect(isCalendarDate(20260301)).toBe(false);
    // Real dates, but outside what the service keeps: refused rather than overflowing the range arithmetic.
    expect(isCalendarDate('9999-12-31')).toBe(false);
    expect(isCalendarDate('0001-01-01')).toBe(false);
    expect(isCalendarDate('1970-01-01')).toBe(true);
    expect(isCalendarDate('9998-12-31')).toBe(true);
  });
});

describe('HistoryService.list', () => {
  const now = new Date('2026-03-10T03:00:00Z');

  it('is TABLE_NOT_FOUND when the table is not the caller’s', async () => {
    const archive = new ArchiveFake().addSessions(2, new Date(Date.UTC(2026, 2, 9)), 'store-2', 'table-2');
    await expect(service(archive).list(admin, 'table-2', {}, now)).rejects.toMatchObject({
      status: 404,
      code: 'TABLE_NOT_FOUND',
    });
  });

  it('lists only the caller’s sessions of the table completed within the resolved days', async () => {
    const archive = new ArchiveFake()
      .addSessions(3, new Date('2026-03-02T14:00:00Z'))
      // Just after the range (00:00 on 2026-03-03 in Seoul) and just before it (23:59 on 2026-02-28).
      .addSessions(1, new Date('2026-03-02T15:00:00Z'))
      .addSessions(1, new Date('2026-02-28T14:59:00Z'))
      // Another store's archive of a table with the same id.
      .addSessions(2, new Date('2026-03-01T12:00:00Z'), 'store-2');
    const result = await service(archive).list(admin, TABLE, { from: '2026-03-01', to: '2026-03-02' }, now);
    expect(result.items.map((s) => s.sessionId)).toEqual(['s0', 's1', 's2']);
    expect(result.items.flatMap((s) => s.orders.map((o) => o.sessionId))).toEqual([
      's0',
      's0',
      's1',
      's1',
      's2',
      's2',
    ]);
    expect(result.pagination.totalCount).toBe(3);
  });

  it('pages with offset (page-1)*pageSize and reports the page count', async () => {
    const archive = new ArchiveFake().addSessions(45, new Date('2026-03-09T12:00:00Z'));
    const result = await service(archive).list(admin, TABLE, { page: 3, pageSize: 10 }, now);
    expect(result.items.map((s) => s.sessionId)).toEqual(Array.from({ length: 10 }, (_, i) => `s${20 + i}`));
    expect(result.pagination).toEqual({ page: 3, pageSize: 10, totalCount: 45, totalPages: 5 });
  });

  it('answers a page beyond the end with no items', async () => {
    const archive = new ArchiveFake().addSessions(45, new Date('2026-03-09T12:00:00Z'));
    const result = await service(archive).list(admin, TABLE, { page: 6, pageSize: 10 }, now);
    expect(result).toEqual({
      items: [],
      pagination: { page: 6, pageSize: 10, totalCount: 45, totalPages: 5 },
    });
  });

  it('has zero pages when nothing was completed in the range', async () => {
    const result = await service(new ArchiveFake()).list(admin, TABLE, {}, now);
    expect(result.pagination).toEqual({ page: 1, pageSize: 20, totalCount: 0, totalPages: 0 });
  });

  it('groups orders under their session with subtotals, totals and UTC ISO timestamps', async () => {
    const archive = new ArchiveFake().addSessions(2);
    const result = await service(archive).list(admin, TABLE, { from: '2026-03-01', to: '2026-03-01' }, now);
    expect(result.items.map((s) => s.sessionId)).toEqual(['s0', 's1']);
    expect(result.items[0]).toMatchObject({
      startedAt: '2026-03-01T10:00:00.000Z',
      completedAt: '2026-03-01T12:00:00.000Z',
      totalAmount: 1000,
    });
    expect(result.items[1].orders.map((o) => o.id)).toEqual(['s1-o0', 's1-o1']);
    expect(result.items[0].orders[1]).toEqual({
      id: 's0-o1',
      orderNumber: 2,
      tableId: TABLE,
      tableNumber: 7,
      sessionId: 's0',
      status: 'COMPLETED',
      note: null,
      items: [
        {
          menuId: 'm1',
          menuName: '김밥',
          menuPrice: 500,
          options: [],
          note: null,
          unitPrice: 500,
          quantity: 2,
          subtotal: 1000,
        },
      ],
      totalAmount: 1000,
      createdAt: '2026-02-28T16:00:00.000Z',
      updatedAt: '2026-03-01T00:30:00.000Z',
    });
  });
});
