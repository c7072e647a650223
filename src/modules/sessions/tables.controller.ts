import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, CurrentPrincipal, type AdminPrincipal } from '../../common/auth';
import { ErrorEnvelopeDto } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { EmptyBodyPipe } from '../../common/http/empty-body.pipe';
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

@ApiTags('admin tables')
@Auth('admin')
@Controller(`${API_PREFIX}/admin/tables`)
export class TablesController {
  constructor(
    private readonly tables: TablesService,
    private readonly sessions: SessionsService,
    private readonly moves: TableMovesService,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'The dashboard’s first load: every table by number, its active session, newest 3 orders and open staff calls',
  })
  @ApiOkResponse({ type: [DashboardTableDto] })
  dashboard(@CurrentPrincipal() principal: AdminPrincipal): Promise<DashboardTableDto[]> {
    return this.sessions.dashboard(principal);
  }

  @Post()
  @ApiOperation({ summary: 'Create a table' })
  @ApiCreatedResponse({ type: TableDto })
  @ApiBadRequestResponse({
    type: ErrorEnvelopeDto,
    description: 'VALIDATION_ERROR (number 1-999, password 4-64 bytes)',
  })
  @ApiConflictResponse({ type: ErrorEnvelopeDto, description: 'DUPLICATE_TABLE_NUMBER' })
  create(@CurrentPrincipal() principal: AdminPrincipal, @Body() body: CreateTableDto): Promise<TableDto> {
    return this.tables.create(principal, body);
  }

  @Patch(':id')
  @ApiUuidParam()
  @ApiOperation({
    summary: 'Change a table’s password',
    description:
      'The tablet’s existing tokens stop working within 60 s (401 INVALID_TOKEN); it must log in again.',
  })
  @ApiOkResponse({ type: TableDto })
  @ApiBadRequestResponse({ type: ErrorEnvelopeDto, description: 'VALIDATION_ERROR' })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'TABLE_NOT_FOUND' })
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
  @ApiOperation({ summary: 'Delete an idle table (its history stays)' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiBadRequestResponse({ type: ErrorEnvelopeDto, description: 'VALIDATION_ERROR' })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'TABLE_NOT_FOUND' })
  @ApiConflictResponse({ type: ErrorEnvelopeDto, description: 'TABLE_HAS_ACTIVE_SESSION' })
  delete(@CurrentPrincipal() principal: AdminPrincipal, @Param('id', uuidParam()) id: string): Promise<void> {
    return this.tables.delete(principal, id);
  }

  @Post(':id/complete')
  @ApiUuidParam()
  @HttpCode(200)
  @ApiOperation({
    summary: '이용 완료: end the table’s active session',
    description:
      'In one transaction the session and its orders move to history, the live orders are removed and the ' +
      'table’s open staff calls are resolved; the next order starts a new session.',
  })
  @ApiOkResponse({ type: CompletedSessionDto })
  @ApiBadRequestResponse({ type: ErrorEnvelopeDto, description: 'VALIDATION_ERROR' })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'TABLE_NOT_FOUND' })
  @ApiConflictResponse({ type: ErrorEnvelopeDto, description: 'NO_ACTIVE_SESSION' })
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
  @ApiOperation({
    summary: '자리 이동: move the party to a table without an active session',
    description:
      'In one transaction the active session, with all its orders and open staff calls, moves to the target ' +
      'table. Orders keep their id, number, items and status and now carry the new table’s id and number. An ' +
      'open call whose reason is already open on the target is resolved instead (`staff_call_resolved`). Sends ' +
      '`table_moved` (merged: false) to the admin streams and both tables’ streams. The moved-from tablet sees ' +
      'an empty table; its next order starts a new session.',
  })
  @ApiOkResponse({ type: TableMoveResultDto })
  @ApiBadRequestResponse({ type: ErrorEnvelopeDto, description: 'VALIDATION_ERROR (also: the same table)' })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'TABLE_NOT_FOUND (either table)' })
  @ApiConflictResponse({
    type: ErrorEnvelopeDto,
    description: 'NO_ACTIVE_SESSION (source), TABLE_HAS_ACTIVE_SESSION (target: merge instead)',
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
  @ApiOperation({
    summary: '합석: merge this table’s party into another table’s session',
    description:
      'In one transaction every order and open staff call of this table’s active session joins the target ' +
      'table’s active session, taking its tableId and tableNumber (ids, numbers, items and status kept); this ' +
      'table is left with no session and no history entry. An open call whose reason is already open on the ' +
      'target is resolved instead. Sends `table_moved` (merged: true). The figures are the merged session’s.',
  })
  @ApiOkResponse({ type: TableMoveResultDto })
  @ApiBadRequestResponse({ type: ErrorEnvelopeDto, description: 'VALIDATION_ERROR (also: the same table)' })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'TABLE_NOT_FOUND (either table)' })
  @ApiConflictResponse({ type: ErrorEnvelopeDto, description: 'NO_ACTIVE_SESSION (either table)' })
  merge(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Param('id', uuidParam()) id: string,
    @Body() body: MergeTableDto,
  ): Promise<TableMoveResultDto> {
    return this.moves.merge(principal, id, body.intoTableId);
  }
}
