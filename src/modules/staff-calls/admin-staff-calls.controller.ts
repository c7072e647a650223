import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
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
import { StaffCallDto, StaffCallsQueryDto } from './dto/staff-call.dto';
import { StaffCallsService } from './staff-calls.service';

@ApiTags('admin staff calls')
@Auth('admin')
@Controller(`${API_PREFIX}/admin/staff-calls`)
export class AdminStaffCallsController {
  constructor(private readonly calls: StaffCallsService) {}

  @Get()
  @ApiOperation({
    summary: 'The store’s staff calls',
    description:
      '`OPEN` (default): oldest first by createdAt. `RESOLVED`: resolved in the last 24 h, newest first.',
  })
  @ApiOkResponse({ type: [StaffCallDto] })
  @ApiBadRequestResponse({ type: ErrorEnvelopeDto, description: 'VALIDATION_ERROR (status)' })
  list(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Query() query: StaffCallsQueryDto,
  ): Promise<StaffCallDto[]> {
    return this.calls.list(principal, query.status);
  }

  @Post(':id/resolve')
  @ApiUuidParam()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Resolve a staff call',
    description:
      'Sends `staff_call_resolved`. Resolving a resolved call answers 200 with it unchanged and sends nothing.',
  })
  @ApiOkResponse({ type: StaffCallDto })
  @ApiBadRequestResponse({ type: ErrorEnvelopeDto, description: 'VALIDATION_ERROR' })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'STAFF_CALL_NOT_FOUND' })
  resolve(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Param('id', uuidParam()) id: string,
    @Body(EmptyBodyPipe) _body: unknown,
  ): Promise<StaffCallDto> {
    return this.calls.resolve(principal, id);
  }
}
