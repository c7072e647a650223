import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type AdminPrincipal } from '../../common/auth';
import { ErrorCode } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { EmptyBodyPipe } from '../../common/http/empty-body.pipe';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { ApiUuidParam, uuidParam } from '../../common/http/uuid-param';
import {
  CompletedSessionDto,
  CreateTableDto,
  DashboardTableDto,
  MergeTableDto,
  MoveTableDto,
  TableDto,
  TableMoveResultDto,
  UpdateTablePasswordDto,
} from './dto/table.dto';
import { SessionsService } from './sessions.service';
import { TableMovesService } from './table-moves.service';
import { TablesService } from './tables.service';

const TABLE_NOT_FOUND = [ErrorCode.TABLE_NOT_FOUND, 'no such table in your store'] as const;
/** A call pressed on the target table while this table's open calls were moving there (uq_staff_calls_open_reason). */
const CALL_RACE = [
  ErrorCode.CONFLICT,
  'a staff call was pressed on the target table meanwhile with the reason of a moving call; retry',
] as const;

@ApiTags('admin tables')
@Controller(`${API_PREFIX}/admin/tables`)
export class TablesController {
  constructor(
    private readonly tables: TablesService,
    private readonly sessions: SessionsService,
    private readonly moves: TableMovesService,
  ) {}

  @Get()
  @Endpoint({
    operationId: 'getDashboard',
    auth: 'admin',
    summary:
      'The dashboard’s first load: every table by number, its active session, newest 3 orders and open staff calls',
    success: { status: 200, type: [DashboardTableDto], description: 'every table of the store' },
  })
  dashboard(@CurrentPrincipal() principal: AdminPrincipal): Promise<DashboardTableDto[]> {
    return this.sessions.dashboard(principal);
  }

  @Post()
  @Endpoint({
    operationId: 'createTable',
    auth: 'admin',
    summary: 'Create a table',
    jsonBody: true,
    success: { status: 201, type: TableDto, description: 'the new table' },
    errors: [
      [ErrorCode.VALIDATION_ERROR, 'number 1-999, password 4-64 bytes'],
      [ErrorCode.DUPLICATE_TABLE_NUMBER, 'a table with this number exists in your store'],
    ],
  })
  create(@CurrentPrincipal() principal: AdminPrincipal, @Body() body: CreateTableDto): Promise<TableDto> {
    return this.tables.create(principal, body);
  }

  @Patch(':id')
  @ApiUuidParam()
  @Endpoint({
    operationId: 'changeTablePassword',
    auth: 'admin',
    summary: 'Change a table’s password',
    description:
      'The tablet’s existing tokens stop working within 60 s (401 INVALID_TOKEN); it must log in again.',
    validates: true,
    jsonBody: true,
    success: { status: 200, type: TableDto, description: 'the table' },
    errors: [[ErrorCode.VALIDATION_ERROR, 'malformed id, password 4-64 bytes'], TABLE_NOT_FOUND],
  })
  changePassword(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Param('id', uuidParam()) id: string,
    @Body() body: UpdateTablePasswordDto,
  ): Promise<TableDto> {
    return this.tables.changePassword(principal, id, body.password);
  }

  @Delete(':id')
  @ApiUuidParam()
  @HttpCode(204)
  @Endpoint({
    operationId: 'deleteTable',
    auth: 'admin',
    summary: 'Delete an idle table (its history stays)',
    validates: true,
    success: { status: 204, description: 'deleted' },
    errors: [
      TABLE_NOT_FOUND,
      [ErrorCode.TABLE_HAS_ACTIVE_SESSION, 'the table has an active session: complete it first'],
    ],
  })
  delete(@CurrentPrincipal() principal: AdminPrincipal, @Param('id', uuidParam()) id: string): Promise<void> {
    return this.tables.delete(principal, id);
  }

  @Post(':id/complete')
  @ApiUuidParam()
  @HttpCode(200)
  @Endpoint({
    operationId: 'completeTable',
    auth: 'admin',
    summary: '이용 완료: end the table’s active session',
    description:
      'In one transaction the session and its orders move to history, the live orders are removed and the ' +
      'table’s open staff calls are resolved; the next order starts a new session. Send no body (or `{}`).',
    validates: true,
    jsonBody: true,
    success: { status: 200, type: CompletedSessionDto, description: 'the session as archived' },
    errors: [
      [ErrorCode.VALIDATION_ERROR, 'malformed id, or any body field'],
      TABLE_NOT_FOUND,
      [ErrorCode.NO_ACTIVE_SESSION, 'the table has no active session'],
    ],
  })
  complete(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Param('id', uuidParam()) id: string,
    @Body(EmptyBodyPipe) _body: unknown,
  ): Promise<CompletedSessionDto> {
    return this.sessions.complete(principal, id);
  }

  @Post(':id/move')
  @ApiUuidParam()
  @HttpCode(200)
  @Endpoint({
    operationId: 'moveTable',
    auth: 'admin',
    summary: '자리 이동: move the party to a table without an active session',
    description:
      'In one transaction the active session, with all its orders and open staff calls, moves to the target ' +
      'table. Orders keep their id, number, items and status and now carry the new table’s id and number. An ' +
      'open call whose reason is already open on the target is resolved instead (`staff_call_resolved`). Sends ' +
      '`table_moved` (merged: false) to the admin streams and both tables’ streams. The moved-from tablet sees ' +
      'an empty table; its next order starts a new session.',
    validates: true,
    jsonBody: true,
    success: { status: 200, type: TableMoveResultDto, description: 'the moved session and its figures' },
    errors: [
      [ErrorCode.VALIDATION_ERROR, 'also: the same table'],
      [ErrorCode.TABLE_NOT_FOUND, 'either table is not a table of your store'],
      [ErrorCode.NO_ACTIVE_SESSION, 'the source table has no active session'],
      [ErrorCode.TABLE_HAS_ACTIVE_SESSION, 'the target table has an active session: merge instead'],
      CALL_RACE,
    ],
  })
  move(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Param('id', uuidParam()) id: string,
    @Body() body: MoveTableDto,
  ): Promise<TableMoveResultDto> {
    return this.moves.move(principal, id, body.toTableId);
  }

  @Post(':id/merge')
  @ApiUuidParam()
  @HttpCode(200)
  @Endpoint({
    operationId: 'mergeTables',
    auth: 'admin',
    summary: '합석: merge this table’s party into another table’s session',
    description:
      'In one transaction every order and open staff call of this table’s active session joins the target ' +
      'table’s active session, taking its tableId and tableNumber (ids, numbers, items and status kept); this ' +
      'table is left with no session and no history entry. An open call whose reason is already open on the ' +
      'target is resolved instead. Sends `table_moved` (merged: true). The figures are the merged session’s.',
    validates: true,
    jsonBody: true,
    success: { status: 200, type: TableMoveResultDto, description: 'the merged session and its figures' },
    errors: [
      [ErrorCode.VALIDATION_ERROR, 'also: the same table'],
      [ErrorCode.TABLE_NOT_FOUND, 'either table is not a table of your store'],
      [ErrorCode.NO_ACTIVE_SESSION, 'either table has no active session'],
      CALL_RACE,
    ],
  })
  merge(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Param('id', uuidParam()) id: string,
    @Body() body: MergeTableDto,
  ): Promise<TableMoveResultDto> {
    return this.moves.merge(principal, id, body.intoTableId);
  }
}
