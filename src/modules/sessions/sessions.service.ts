import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import { TransactionService } from '../../database/transaction.service';
import { OutboxService } from '../events/outbox.service';
import { MetricsService } from '../metrics/metrics.service';
import type { OrderDto } from '../orders/dto/order.dto';
import type { StaffCallDto } from '../staff-calls/dto/staff-call.dto';
import { StaffCallsRepository } from '../staff-calls/staff-calls.repository';
import { StaffCallsService } from '../staff-calls/staff-calls.service';
import { toDashboardTableDto, type CompletedSessionDto, type DashboardTableDto } from './dto/table.dto';
import { SessionsRepository } from './sessions.repository';

const RECENT_ORDERS = 3;
const tableNotFound = (): AppError => AppError.notFound(ErrorCode.TABLE_NOT_FOUND, 'table not found');

/** Table sessions: the dashboard's view of them, and 이용 완료 (ending one, archiving its orders). */
@Injectable()
export class SessionsService {
  constructor(
    private readonly repository: SessionsRepository,
    private readonly tx: TransactionService,
    private readonly outbox: OutboxService,
    private readonly metrics: MetricsService,
    private readonly staffCalls: StaffCallsRepository,
    private readonly staffCallEvents: StaffCallsService,
  ) {}

  /** The dashboard's first load, its query count independent of the number of tables. */
  async dashboard(principal: AdminPrincipal): Promise<DashboardTableDto[]> {
    const [tables, recent, calls] = await Promise.all([
      this.repository.dashboardTables(principal.storeId),
      this.repository.recentOrders(principal.storeId, RECENT_ORDERS),
      this.staffCalls.ofStore(principal.storeId, 'OPEN'),
    ]);
    const byTable = groupByTable(recent);
    const callsByTable = groupByTable(calls);
    return tables.map((t) => toDashboardTableDto(t, byTable.get(t.id) ?? [], callsByTable.get(t.id) ?? []));
  }

  /**
   * 이용 완료, in one transaction: the session and its orders archived, open staff calls resolved, `table_reset`
   * written. An order placed meanwhile lands before (archived) or after (next session): see the locking
   * protocol in sessions.sql.ts.
   */
  async complete(principal: AdminPrincipal, tableId: string): Promise<CompletedSessionDto> {
    const result = await this.tx.run(async (em) => {
      const table = await this.repository.findTable(em, principal.storeId, tableId);
      if (!table) throw tableNotFound();
      const session = await this.repository.lockActiveSession(em, principal.storeId, tableId);
      if (!session) throw AppError.conflict(ErrorCode.NO_ACTIVE_SESSION, 'the table has no active session');
      const archived = await this.repository.archiveSession(em, {
        id: session.id,
        storeId: principal.storeId,
        tableId,
        tableNumber: Number(table.number),
        startedAt: session.startedAt,
      });
      const completedAt = archived.completedAt.toISOString();
      const resolved = await this.staffCalls.resolveOpenOfTable(
        em,
        principal.storeId,
        tableId,
        principal.adminId,
      );
      await this.staffCallEvents.announceResolved(em, principal.storeId, resolved);
      await this.outbox.append(em, {
        storeId: principal.storeId,
        type: 'table_reset',
        tableId,
        data: { sessionId: session.id, completedAt },
      });
      return {
        sessionId: session.id,
        tableId,
        startedAt: session.startedAt.toISOString(),
        completedAt,
        orderCount: archived.orderCount,
        totalAmount: archived.totalAmount,
      };
    });
    this.outbox.committed();
    this.metrics.tableCompleted();
    return result;
  }
}

/** Rows in their list order, by the table they belong to. */
function groupByTable<T extends OrderDto | StaffCallDto>(rows: T[]): Map<string, T[]> {
  const byTable = new Map<string, T[]>();
  for (const row of rows) {
    const list = byTable.get(row.tableId) ?? [];
    list.push(row);
    byTable.set(row.tableId, list);
  }
  return byTable;
}
