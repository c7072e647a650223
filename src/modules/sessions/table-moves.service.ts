import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import { TransactionService } from '../../database/transaction.service';
import { OutboxService } from '../events/outbox.service';
import { StaffCallsRepository } from '../staff-calls/staff-calls.repository';
import { StaffCallsService } from '../staff-calls/staff-calls.service';
import type { TableMoveResultDto } from './dto/table.dto';
import { SessionsRepository } from './sessions.repository';

const tableNotFound = (): AppError => AppError.notFound(ErrorCode.TABLE_NOT_FOUND, 'table not found');
const noActiveSession = (which: string): AppError =>
  AppError.conflict(ErrorCode.NO_ACTIVE_SESSION, `the ${which} table has no active session`);

/**
 * A party changing tables: 자리 이동 (move the session to a free table) and 합석 (merge it into another table's
 * session), one transaction each. No order placed meanwhile is lost or lands in a removed session: see the
 * locking protocol in sessions.sql.ts (tables, then sessions, in id order).
 */
@Injectable()
export class TableMovesService {
  constructor(
    private readonly repository: SessionsRepository,
    private readonly tx: TransactionService,
    private readonly outbox: OutboxService,
    private readonly staffCalls: StaffCallsRepository,
    private readonly staffCallEvents: StaffCallsService,
  ) {}

  move(principal: AdminPrincipal, fromTableId: string, toTableId: string): Promise<TableMoveResultDto> {
    return this.relocate(principal, fromTableId, toTableId, false);
  }

  merge(principal: AdminPrincipal, fromTableId: string, intoTableId: string): Promise<TableMoveResultDto> {
    return this.relocate(principal, fromTableId, intoTableId, true);
  }

  private async relocate(
    principal: AdminPrincipal,
    fromTableId: string,
    toTableId: string,
    merged: boolean,
  ): Promise<TableMoveResultDto> {
    const from = fromTableId.toLowerCase();
    const to = toTableId.toLowerCase();
    if (from === to) {
      throw AppError.badRequest('must name another table', merged ? 'intoTableId' : 'toTableId');
    }
    const storeId = principal.storeId;
    const result = await this.tx.run(async (em) => {
      const tables = await this.repository.lockTablesInOrder(em, storeId, [from, to]);
      if (!tables.has(from) || !tables.has(to)) throw tableNotFound();

      // Sessions in the same (id) order as the tables.
      const sessions = new Map<string, { id: string } | undefined>();
      for (const id of [from, to].sort()) {
        if (id === to && !merged) continue;
        sessions.set(id, await this.repository.lockActiveSession(em, storeId, id));
      }
      const source = sessions.get(from);
      if (!source) throw noActiveSession('source');
      let sessionId: string;
      if (merged) {
        const target = sessions.get(to);
        if (!target) throw noActiveSession('target');
        await this.repository.mergeSession(em, source.id, { sessionId: target.id, tableId: to });
        sessionId = target.id;
      } else {
        if (await this.repository.hasActiveSession(em, to)) {
          throw AppError.conflict(
            ErrorCode.TABLE_HAS_ACTIVE_SESSION,
            'the target table has an active session: merge instead',
          );
        }
        await this.repository.moveSession(em, source.id, to);
        sessionId = source.id;
      }
      const resolved = await this.staffCalls.moveOpen(em, {
        storeId,
        fromTableId: from,
        toTableId: to,
        adminId: principal.adminId,
      });
      await this.staffCallEvents.announceResolved(em, storeId, resolved);
      const totals = await this.repository.sessionTotals(em, sessionId);
      await this.outbox.append(em, {
        storeId,
        type: 'table_moved',
        tableId: from,
        data: { fromTableId: from, toTableId: to, sessionId, merged },
      });
      return { sessionId, fromTableId: from, toTableId: to, ...totals };
    });
    this.outbox.committed();
    return result;
  }
}
