import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TablePrincipal } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import { businessDate } from '../../common/time';
import { TransactionService } from '../../database/transaction.service';
import { OutboxService } from '../events/outbox.service';
import { MetricsService } from '../metrics/metrics.service';
import type { CreateOrderDto } from './dto/create-order.dto';
import { toOrderDto, type OrderDto, type OrderSnapshot } from './dto/order.dto';
import { OptionGroupsRepository } from '../menus/option-groups.repository';
import { findUnofferedOptions, priceLines, unofferedOptionError } from './order-lines';
import { parseIdempotencyKey, requestHash } from './order-rules';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { OrdersRepository, type PreparedOrder } from './orders.repository';

export interface PlacementResult {
  status: number;
  body: OrderDto;
  /** True when an earlier request with the same Idempotency-Key is answered again. */
  replayed: boolean;
}

type Claim = { kind: 'claimed' } | { kind: 'replay'; status: number; body: OrderDto };

/**
 * POST /orders: one transaction writes the idempotency key, the session (when the table has none), the order,
 * its number and its `new_order` event, or none of them. Lock order: see sessions.sql.ts.
 */
@Injectable()
export class OrderPlacementService {
  constructor(
    private readonly repository: OrdersRepository,
    private readonly keys: IdempotencyKeysRepository,
    private readonly optionGroups: OptionGroupsRepository,
    private readonly tx: TransactionService,
    private readonly outbox: OutboxService,
    private readonly metrics: MetricsService,
  ) {}

  async place(
    principal: TablePrincipal,
    body: CreateOrderDto,
    idempotencyKeyHeader?: string | string[],
  ): Promise<PlacementResult> {
    const key = parseIdempotencyKey(idempotencyKeyHeader);
    const hash = key === undefined ? undefined : requestHash(body);
    const result = await this.tx.run(async (em): Promise<PlacementResult> => {
      const input = {
        storeId: principal.storeId,
        tableId: principal.tableId,
        menuIds: body.items.map((line) => line.menuId),
      };
      const claim = key !== undefined && hash !== undefined ? { key, requestHash: hash } : undefined;
      let prepared = await this.repository.prepareOrder(em, { ...input, claim });
      if (!prepared.claimed && claim) {
        const settled = await this.settleKey(em, principal, claim.key, claim.requestHash);
        if (settled.kind === 'replay') return { status: settled.status, body: settled.body, replayed: true };
        prepared = await this.repository.prepareOrder(em, input);
      }
      const order = await this.createOrder(em, principal, body, prepared, key);
      return { status: 201, body: order, replayed: false };
    });
    if (!result.replayed) {
      this.outbox.committed();
      this.metrics.orderCreated();
    }
    return result;
  }

  /**
   * The key was not claimed by `prepareOrder`: a request still in flight holds it (409), or a committed one
   * answered it (replayed for the same body, refused for another), or it expired (24 h) and is taken over.
   */
  private async settleKey(
    em: EntityManager,
    principal: TablePrincipal,
    key: string,
    hash: string,
  ): Promise<Claim> {
    const stored = await this.keys.findIdempotencyKey(em, principal.tableId, key);
    if (stored && !stored.expired && stored.responseStatus !== null) return this.replay(stored, hash);

    // Either the lock is held by a request still in flight, or the row is an expired one.
    if (!(await this.keys.tryIdempotencyLock(em, principal.tableId, key))) {
      throw AppError.conflict(
        ErrorCode.IDEMPOTENCY_KEY_IN_USE,
        'a request with this Idempotency-Key is still being processed',
      );
    }
    if (stored?.expired) await this.keys.deleteExpiredIdempotencyKey(em, principal.tableId, key);
    const claim = { tableId: principal.tableId, storeId: principal.storeId, key, requestHash: hash };
    if (await this.keys.claimIdempotencyKey(em, claim)) return { kind: 'claimed' };

    // Holding the lock, the row can only be one committed meanwhile.
    const now = await this.keys.findIdempotencyKey(em, principal.tableId, key);
    if (now && now.responseStatus !== null) return this.replay(now, hash);
    throw AppError.conflict(
      ErrorCode.IDEMPOTENCY_KEY_IN_USE,
      'a request with this Idempotency-Key is still being processed',
    );
  }

  private replay(
    stored: { requestHash: string; responseStatus: number | null; responseBody: unknown },
    hash: string,
  ): Claim {
    if (stored.requestHash !== hash) {
      throw new AppError(
        422,
        ErrorCode.IDEMPOTENCY_KEY_REUSED,
        'this Idempotency-Key was used with a different request body',
      );
    }
    // Stored as jsonb, which keeps values but not key order: rebuilt so the replay is the first body byte for byte.
    const body = toOrderDto(stored.responseBody as OrderSnapshot);
    return { kind: 'replay', status: stored.responseStatus ?? 201, body };
  }

  private async createOrder(
    em: EntityManager,
    principal: TablePrincipal,
    body: CreateOrderDto,
    prepared: PreparedOrder,
    key: string | undefined,
  ): Promise<OrderDto> {
    const unoffered = findUnofferedOptions(body, prepared.menus);
    if (unoffered.length > 0) {
      // Error path only: is each id another menu's option (400) or none of the store's (404)?
      const ids = unoffered.map((u) => u.optionId);
      throw unofferedOptionError(
        unoffered,
        await this.optionGroups.findOptionsWithGroup(em, principal.storeId, ids),
      );
    }
    const { lines, totalAmount } = priceLines(body, prepared.menus);

    let session = prepared.session;
    // Lost the race for the table's first session to a concurrent order: its session is committed now.
    for (let attempt = 0; !session && attempt < 3; attempt++) {
      session = await this.repository.lockOrStartSession(em, principal.storeId, principal.tableId);
    }
    if (!session) throw AppError.notFound(ErrorCode.TABLE_NOT_FOUND, 'table not found');

    const id = randomUUID();
    const createdAt = session.now.toISOString();
    const note = body.note ?? null;
    // Built by toOrderDto, as every read and the replay are: they serialize byte for byte alike.
    const order = toOrderDto({
      id,
      orderNumber: 0,
      tableId: principal.tableId,
      tableNumber: Number(session.tableNumber),
      sessionId: session.sessionId,
      status: 'PENDING',
      note,
      items: lines,
      createdAt,
      updatedAt: createdAt,
    });
    order.orderNumber = await this.repository.insertOrder(em, {
      id,
      storeId: principal.storeId,
      tableId: principal.tableId,
      sessionId: session.sessionId,
      businessDate: businessDate(session.now),
      totalAmount,
      note,
      lines,
      document: order,
      idempotencyKey: key,
    });
    return order;
  }
}
