import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import { TransactionService } from '../../database/transaction.service';
import { OutboxService } from '../events/outbox.service';
import { MetricsService } from '../metrics/metrics.service';
import type { OrderDto } from '../orders/dto/order.dto';
import type { CompletedSessionDto, DashboardTableDto } from './dto/table.dto';
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
  ) {}

  /** The dashboard's first load: two queries whatever the number of tables. */
  async dashboard(principal: AdminPrincipal): Promise<DashboardTableDto[]> {
    const [tables, recent] = await Promise.all([
      this.repository.dashboardTables(principal.storeId),
      this.repository.recentOrders(principal.storeId, RECENT_ORDERS),
    ]);
    const byTable = new Map<string, OrderDto[]>();
    for (const order of recent) {
      const list = byTable.get(order.tableId) ?? [];
      list.push(order);
      byTable.set(order.tableId, list);
    }
    return tables.map((t) => ({
      id: t.id,
      number: Number(t.number),
      session:
        t.sessionId && t.startedAt
          ? {
              id: t.sessionId,
              startedAt: new Date(t.startedAt).toISOString(),
              totalAmount: Number(t.totalAmount),
              orderCount: Number(t.orderCount),
            }
          : null,
      recentOrders: byTable.get(t.id) ?? [],
    }));
  }

  /**
   * Ends the table's active session in one transaction: session and orders copied to history, live orders
   * removed, session ended, `table_reset` written. An order placed meanwhile lands either before (and is
   * archived) or after (in the next session); see SessionsRepository.lockActiveSession.
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
