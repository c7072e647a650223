import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type AdminPrincipal } from '../../common/auth';
import { ErrorCode } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { EmptyBodyPipe } from '../../common/http/empty-body.pipe';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { ApiUuidParam, uuidParam } from '../../common/http/uuid-param';
import { StaffCallDto, StaffCallsQueryDto } from './dto/staff-call.dto';
import { StaffCallsService } from './staff-calls.service';

@ApiTags('admin staff calls')
@Controller(`${API_PREFIX}/admin/staff-calls`)
export class AdminStaffCallsController {
  constructor(private readonly calls: StaffCallsService) {}

  @Get()
  @Endpoint({
    operationId: 'listStaffCalls',
    auth: 'admin',
    summary: 'The store’s staff calls',
    description:
      '`OPEN` (default): oldest first by createdAt. `RESOLVED`: resolved in the last 24 h, newest first.',
    validates: true,
    success: { status: 200, type: [StaffCallDto], description: 'the staff calls' },
    errors: [[ErrorCode.VALIDATION_ERROR, 'status is not OPEN or RESOLVED, or an unknown query parameter']],
  })
  list(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Query() query: StaffCallsQueryDto,
  ): Promise<StaffCallDto[]> {
    return this.calls.list(principal, query.status);
  }

  @Post(':id/resolve')
  @ApiUuidParam()
  @HttpCode(200)
  @Endpoint({
    operationId: 'resolveStaffCall',
    auth: 'admin',
    summary: 'Resolve a staff call',
    description:
      'Sends `staff_call_resolved`. Resolving a resolved call answers 200 with it unchanged and sends nothing. ' +
      'Send no body (or `{}`).',
    validates: true,
    jsonBody: true,
    success: { status: 200, type: StaffCallDto, description: 'the resolved call' },
    errors: [
      [ErrorCode.VALIDATION_ERROR, 'malformed id, or any body field'],
      [ErrorCode.STAFF_CALL_NOT_FOUND, 'no such staff call in your store'],
    ],
  })
  resolve(
    @CurrentPrincipal() principal: AdminPrincipal,
    @Param('id', uuidParam()) id: string,
    @Body(EmptyBodyPipe) _body: unknown,
  ): Promise<StaffCallDto> {
    return this.calls.resolve(principal, id);
  }
}
