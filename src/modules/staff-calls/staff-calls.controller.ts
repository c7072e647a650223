import { Body, Controller, Get, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth, CurrentPrincipal, type TablePrincipal } from '../../common/auth';
import { ErrorEnvelopeDto } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { CreateStaffCallDto, StaffCallDto } from './dto/staff-call.dto';
import { StaffCallsService } from './staff-calls.service';

@ApiTags('staff calls')
@Controller(`${API_PREFIX}/staff-calls`)
export class StaffCallsController {
  constructor(private readonly calls: StaffCallsService) {}

  @Post()
  @Auth('table')
  @ApiOperation({
    summary: '직원 호출: call staff to the calling table',
    description:
      'Opens a call and sends `staff_call` to the store’s admin streams and the table’s own stream. While the ' +
      'table has an OPEN call with the same reason, that call is answered again (200), unchanged (its first ' +
      'message kept), and nothing is created or sent: ten presses make one call and one event.',
  })
  @ApiCreatedResponse({ type: StaffCallDto, description: 'a new call' })
  @ApiOkResponse({ type: StaffCallDto, description: 'the table’s open call with this reason, unchanged' })
  @ApiBadRequestResponse({
    type: ErrorEnvelopeDto,
    description: 'VALIDATION_ERROR (reason not one of the list, message over 100 characters)',
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
  @Auth('table')
  @ApiOperation({ summary: 'The calling table’s open calls, oldest first' })
  @ApiOkResponse({ type: [StaffCallDto] })
  tableCalls(@CurrentPrincipal() principal: TablePrincipal): Promise<StaffCallDto[]> {
    return this.calls.tableCalls(principal);
  }
}
