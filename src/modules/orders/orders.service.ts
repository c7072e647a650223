import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AdminPrincipal, TablePrincipal } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import { TransactionService } from '../../database/transaction.service';
import { OutboxService } from '../events/outbox.service';
import { MetricsService } from '../metrics/metrics.service';
import type { AdminOrdersQueryDto } from './dto/admin-orders-query.dto';
import type { OrderDto, OrderStatus } from './dto/order.dto';
import type { TableOrdersDto } from './dto/table-orders.dto';
import { assertTransition } from './order-rules';
import { OrdersRepository } from './orders.repository';

const orderNotFound = (): AppError => AppError.notFound(ErrorCode.ORDER_NOT_FOUND, 'order not found');

/** Reading live orders, and the admin's changes to them (status, deletion with audit). */
@Injectable()
export class OrdersService {
  constructor(
    private readonly repository: OrdersRepository,
    private readonly tx: TransactionService,
    private readonly outbox: OutboxService,
    private readonly metrics: MetricsService,
  ) {}

  /** The calling table's active session only: a table never sees another table's orders or earlier sessions. */
  async tableOrders(principal: TablePrincipal): Promise<TableOrdersDto> {
    const sessionId = await this.repository.findActiveSessionId(principal.storeId, principal.tableId);
    if (!sessionId) return { sessionId: null, totalAmount: 0, orders: [] };
    const orders = await this.repository.findSessionOrders(principal.storeId, sessionId);
    return { sessionId, totalAmount: orders.reduce((sum, o) => sum + o.totalAmount, 0), orders };
  }

  async list(principal: AdminPrincipal, query: AdminOrdersQueryDto): Promise<OrderDto[]> {
    if (query.tableId && !(await this.repository.tableExists(principal.storeId, query.tableId))) {
      throw AppError.notFound(ErrorCode.TABLE_NOT_FOUND, 'table not found');
    }
    return this.repository.findStoreOrders(principal.storeId, query);
  }

  async get(principal: AdminPrincipal, orderId: string): Promise<OrderDto> {
    const order = await this.repository.findOrder(principal.storeId, orderId);
    if (!order) throw orderNotFound();
    return order;
  }

  /** Of two admins' conflicting changes exactly one applies: the order row is locked first. */
  async updateStatus(principal: AdminPrincipal, orderId: string, status: OrderStatus): Promise<OrderDto> {
    const order = await this.tx.run(async (em) => {
      const current = await this.repository.lockOrderStatus(em, principal.storeId, orderId);
      if (!current) throw orderNotFound();
      assertTransition(current.status, status);
      await this.repository.updateStatus(em, orderId, status);
      const updated = (await this.repository.findOrder(principal.storeId, orderId, em)) as OrderDto;
      await this.outbox.append(em, {
        storeId: principal.storeId,
        type: 'order_updated',
        tableId: updated.tableId,
        data: { order: updated },
      });
      return updated;
    });
    this.outbox.committed();
    this.metrics.orderStatusChanged(status);
    return order;
  }

  /** Gone from lists, totals and history; order_deletions keeps its last state, who deleted it and when. */
  async delete(principal: AdminPrincipal, orderId: string): Promise<void> {
    await this.tx.run(async (em) => {
      if (!(await this.repository.lockOrderStatus(em, principal.storeId, orderId))) throw orderNotFound();
      await this.remove(em, principal.storeId, orderId, { role: 'admin', id: principal.adminId });
    });
    this.outbox.committed();
  }

  /**
   * A table takes back its own order while the kitchen has not started it: the same removal, audit and event as
   * an admin's deletion, with the table as the actor. Against an admin's status change whichever commits first
   * wins: the other finds PREPARING (409) or no order (404).
   */
  async cancel(principal: TablePrincipal, orderId: string): Promise<void> {
    await this.tx.run(async (em) => {
      const current = await this.repository.lockTableOrder(em, principal.storeId, principal.tableId, orderId);
      if (!current) throw orderNotFound();
      if (current.status !== 'PENDING') {
        throw AppError.conflict(
          ErrorCode.ORDER_NOT_CANCELLABLE,
          `the order is ${current.status}: only a PENDING order can be cancelled`,
        );
      }
      await this.remove(em, principal.storeId, orderId, { role: 'table', id: principal.tableId });
    });
    this.outbox.committed();
  }

  private async remove(
    em: EntityManager,
    storeId: string,
    orderId: string,
    actor: { role: 'admin' | 'table'; id: string },
  ): Promise<void> {
    const order = (await this.repository.findOrder(storeId, orderId, em)) as OrderDto;
    await this.repository.deleteWithAudit(em, order, storeId, actor);
    await this.outbox.append(em, {
      storeId,
      type: 'order_deleted',
      tableId: order.tableId,
      data: { orderId },
    });
  }
}
