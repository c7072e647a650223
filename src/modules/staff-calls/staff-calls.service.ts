import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AdminPrincipal, TablePrincipal } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import { TransactionService } from '../../database/transaction.service';
import { OutboxService } from '../events/outbox.service';
import type { CreateStaffCallDto, StaffCallDto, StaffCallStatus } from './dto/staff-call.dto';
import { StaffCallsRepository } from './staff-calls.repository';

/** A resolved open call found anew after losing the insert; more than a couple of rounds means a bug. */
const PRESS_ATTEMPTS = 3;

/** Staff calls (직원 호출): a table's presses, the admin's view and resolution of them. */
@Injectable()
export class StaffCallsService {
  constructor(
    private readonly repository: StaffCallsRepository,
    private readonly tx: TransactionService,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Opens a call, or answers the table's open call with the same reason unchanged (created: false) and sends
   * nothing. The insert decides (uq_staff_calls_open_reason), never a check before it: a press that loses
   * reads the winner's call in a statement of its own, which sees it committed.
   */
  async press(
    principal: TablePrincipal,
    body: CreateStaffCallDto,
  ): Promise<{ created: boolean; call: StaffCallDto }> {
    const result = await this.tx.run(async (em) => {
      for (let attempt = 0; attempt < PRESS_ATTEMPTS; attempt++) {
        const created = await this.repository.insertOpen(em, {
          storeId: principal.storeId,
          tableId: principal.tableId,
          reason: body.reason,
          message: body.message ?? null,
        });
        if (created) {
          await this.announce(em, principal.storeId, 'staff_call', created);
          return { created: true, call: created };
        }
        const open = await this.repository.findOpen(em, principal.storeId, principal.tableId, body.reason);
        if (open) return { created: false, call: open };
        // Resolved between our insert and read: press again.
      }
      throw AppError.conflict(ErrorCode.CONFLICT, 'the call could not be placed, try again');
    });
    if (result.created) this.outbox.committed();
    return result;
  }

  tableCalls(principal: TablePrincipal): Promise<StaffCallDto[]> {
    return this.repository.openOfTable(principal.storeId, principal.tableId);
  }

  list(principal: AdminPrincipal, status: StaffCallStatus = 'OPEN'): Promise<StaffCallDto[]> {
    return this.repository.ofStore(principal.storeId, status);
  }

  /** Idempotent: a resolved call is answered unchanged, and only the resolution that changed it is announced. */
  async resolve(principal: AdminPrincipal, id: string): Promise<StaffCallDto> {
    const result = await this.tx.run(async (em) => {
      const resolved = await this.repository.resolve(em, principal.storeId, id, principal.adminId);
      if (resolved) {
        await this.announce(em, principal.storeId, 'staff_call_resolved', resolved);
        return { changed: true, call: resolved };
      }
      const call = await this.repository.find(principal.storeId, id, em);
      if (!call) throw AppError.notFound(ErrorCode.STAFF_CALL_NOT_FOUND, 'staff call not found');
      return { changed: false, call };
    });
    if (result.changed) this.outbox.committed();
    return result.call;
  }

  /**
   * For the table's other transactions (이용 완료, move, merge): the `staff_call_resolved` events of calls they
   * resolved, in the caller's transaction; the caller signals the commit.
   */
  async announceResolved(em: EntityManager, storeId: string, calls: StaffCallDto[]): Promise<void> {
    for (const call of calls) await this.announce(em, storeId, 'staff_call_resolved', call);
  }

  private async announce(
    em: EntityManager,
    storeId: string,
    type: 'staff_call' | 'staff_call_resolved',
    call: StaffCallDto,
  ): Promise<void> {
    await this.outbox.append(em, { storeId, type, tableId: call.tableId, data: { call } });
  }
}
