import { AppError } from '../../common/errors';
import type { StorePrincipal } from '../../common/auth';
import { isCalendarDate } from './dto/history-query.dto';
import type { HistoryRepository } from './history.repository';
import { addDays, HistoryService, resolveRange, startOfDay } from './history.service';

const admin: StorePrincipal = { role: 'admin', storeId: 'store-1', adminId: 'admin-1', exp: 0 };
const TABLE = 'table-1';

function repoMock(total: number | null, sessionCount = 0) {
  const sessions = Array.from({ length: sessionCount }, (_, i) => ({
    id: `s${i}`,
    startedAt: new Date(Date.UTC(2026, 2, 1, 10 - i)),
    completedAt: new Date(Date.UTC(2026, 2, 1, 12 - i)),
    totalAmount: 1000 * (i + 1),
  }));
  return {
    countSessions: jest.fn().mockResolvedValue(total),
    findSessions: jest.fn().mockResolvedValue(sessions),
    findOrders: jest.fn().mockResolvedValue(
      sessions.flatMap((s, i) =>
        [0, 1].map((n) => ({
          id: `${s.id}-o${n}`,
          orderNumber: i * 2 + n + 1,
          tableId: TABLE,
          tableNumber: 7,
          sessionId: s.id,
          status: 'COMPLETED',
          items: [{ menuId: 'm1', menuName: '김밥', unitPrice: 500, quantity: n + 1 }],
          createdAt: '2026-03-01T01:00:00+09:00',
          updatedAt: new Date(Date.UTC(2026, 2, 1, 0, 30)),
        })),
      ),
    ),
  };
}

const service = (repo: ReturnType<typeof repoMock>) =>
  new HistoryService(repo as unknown as HistoryRepository);

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
    const repo = repoMock(null);
    await expect(service(repo).list(admin, TABLE, {}, now)).rejects.toMatchObject({
      status: 404,
      code: 'TABLE_NOT_FOUND',
    });
    expect(repo.findSessions).not.toHaveBeenCalled();
  });

  it('scopes every read by the caller’s store and the resolved instants', async () => {
    const repo = repoMock(3, 3);
    await service(repo).list(admin, TABLE, { from: '2026-03-01', to: '2026-03-02' }, now);
    const instants = {
      from: new Date('2026-02-28T15:00:00.000Z'),
      until: new Date('2026-03-02T15:00:00.000Z'),
    };
    expect(repo.countSessions).toHaveBeenCalledWith('store-1', TABLE, instants);
    expect(repo.findSessions).toHaveBeenCalledWith('store-1', TABLE, instants, 20, 0);
    expect(repo.findOrders).toHaveBeenCalledWith('store-1', ['s0', 's1', 's2']);
  });

  it('pages with offset (page-1)*pageSize and reports the page count', async () => {
    const repo = repoMock(45, 10);
    const result = await service(repo).list(admin, TABLE, { page: 3, pageSize: 10 }, now);
    expect(repo.findSessions).toHaveBeenCalledWith('store-1', TABLE, expect.anything(), 10, 20);
    expect(result.pagination).toEqual({ page: 3, pageSize: 10, totalCount: 45, totalPages: 5 });
  });

  it('answers a page beyond the end with no items and without reading sessions', async () => {
    const repo = repoMock(45);
    const result = await service(repo).list(admin, TABLE, { page: 6, pageSize: 10 }, now);
    expect(result).toEqual({
      items: [],
      pagination: { page: 6, pageSize: 10, totalCount: 45, totalPages: 5 },
    });
    expect(repo.findSessions).not.toHaveBeenCalled();
    expect(repo.findOrders).not.toHaveBeenCalled();
  });

  it('has zero pages when nothing was completed in the range', async () => {
    const result = await service(repoMock(0)).list(admin, TABLE, {}, now);
    expect(result.pagination).toEqual({ page: 1, pageSize: 20, totalCount: 0, totalPages: 0 });
  });

  it('groups orders under their session with subtotals, totals and UTC ISO timestamps', async () => {
    const result = await service(repoMock(2, 2)).list(admin, TABLE, {}, now);
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
