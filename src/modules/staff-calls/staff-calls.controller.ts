import { Body, Controller, Get, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type TablePrincipal } from '../../common/auth';
import { ErrorCode } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { CreateStaffCallDto, StaffCallDto } from './dto/staff-call.dto';
import { StaffCallsService } from './staff-calls.service';

@ApiTags('staff calls')
@Controller(`${API_PREFIX}/staff-calls`)
export class StaffCallsController {
  constructor(private readonly calls: StaffCallsService) {}

  @Post()
  @Endpoint({
    operationId: 'callStaff',
    auth: 'table',
    summary: '직원 호출: call staff to the calling table',
    description:
      'Opens a call and sends `staff_call` to the store’s admin streams and the table’s own stream. While the ' +
      'table has an OPEN call with the same reason, that call is answered again (200), unchanged (its first ' +
      'message kept), and nothing is created or sent: ten presses make one call and one event.',
    jsonBody: true,
    success: [
      { status: 201, type: StaffCallDto, description: 'a new call' },
      { status: 200, type: StaffCallDto, description: 'the table’s open call with this reason, unchanged' },
    ],
    errors: [
      [ErrorCode.VALIDATION_ERROR, 'reason not one of the list, message over 100 characters'],
      [ErrorCode.TABLE_NOT_FOUND, 'the table was deleted while its token was still valid (up to 60 s)'],
      [ErrorCode.CONFLICT, 'the open call kept being resolved between presses; press again'],
    ],
  })
  async press(
    @CurrentPrincipal() principal: TablePrincipal,
    @Body() body: CreateStaffCallDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StaffCallDto> {
    const result = await this.calls.press(principal, body);
    res.status(result.created ? 201 : 200);
    return result.call;
  }

  @Get()
  @Endpoint({
    operationId: 'listTableStaffCalls',
    auth: 'table',
    summary: 'The calling table’s open calls, oldest first',
    success: { status: 200, type: [StaffCallDto], description: 'the open calls' },
  })
  tableCalls(@CurrentPrincipal() principal: TablePrincipal): Promise<StaffCallDto[]> {
    return this.calls.tableCalls(principal);
  }
}
