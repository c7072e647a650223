import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import { TransactionService } from '../../database/transaction.service';
import { PasswordService } from '../auth/password.service';
import { TokenRevocationService } from '../auth/token-revocation.service';
import { toTableDto, type CreateTableDto, type TableDto } from './dto/table.dto';
import { SessionsRepository } from './sessions.repository';

const tableNotFound = (): AppError => AppError.notFound(ErrorCode.TABLE_NOT_FOUND, 'table not found');

/** A store's tables: create, change the tablet password (which logs the tablet out), delete while idle. */
@Injectable()
export class TablesService {
  constructor(
    private readonly repository: SessionsRepository,
    private readonly tx: TransactionService,
    private readonly passwords: PasswordService,
    private readonly revocation: TokenRevocationService,
  ) {}

  /** A taken number is 409 DUPLICATE_TABLE_NUMBER, from uq_tables_store_number. */
  async create(principal: AdminPrincipal, body: CreateTableDto): Promise<TableDto> {
    const hash = await this.passwords.hash(body.password);
    const row = await this.repository.createTable(principal.storeId, body.number, hash);
    return toTableDto(row);
  }

  async changePassword(principal: AdminPrincipal, tableId: string, password: string): Promise<TableDto> {
    const hash = await this.passwords.hash(password);
    const row = await this.repository.changePassword(principal.storeId, tableId, hash);
    if (!row) throw tableNotFound();
    await this.revocation.forget('table', tableId);
    return toTableDto(row);
  }

  async delete(principal: AdminPrincipal, tableId: string): Promise<void> {
    await this.tx.run(async (em) => {
      if (!(await this.repository.lockTable(em, principal.storeId, tableId))) throw tableNotFound();
      if (await this.repository.hasActiveSession(em, tableId)) {
        throw AppError.conflict(
          ErrorCode.TABLE_HAS_ACTIVE_SESSION,
          'the table has an active session: complete it first',
        );
      }
      await this.repository.deleteTable(em, tableId);
    });
    await this.revocation.forget('table', tableId);
  }
}
