import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/auth';
import type { StorePrincipal } from '../../common/auth';
import { ErrorCode } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { HistoryPageDto } from './dto/history-page.dto';
import { ApiUuidParam, uuidParam } from '../../common/http/uuid-param';
import { HistoryQueryDto } from './dto/history-query.dto';
import { HistoryService } from './history.service';

@ApiTags('tables')
@Controller(`${API_PREFIX}/admin/tables`)
export class HistoryController {
  constructor(private readonly history: HistoryService) {}

  @Get(':id/history')
  @ApiUuidParam()
  @Endpoint({
    operationId: 'getTableHistory',
    auth: 'admin',
    summary: 'Past sessions of a table (과거 주문 내역), newest first',
    description:
      'Sessions completed (이용 완료) within the days `from`..`to`, both inclusive and counted in Asia/Seoul: ' +
      'a session is included when its completedAt is at or after `from` 00:00 Seoul time and before the day ' +
      'after `to` 00:00 Seoul time. Defaults: `to` is today in Asia/Seoul and `from` is 6 days before `to`, so ' +
      'without parameters the window is the last 7 days including today. Ordered by completedAt descending; ' +
      'each session lists its orders oldest first, with the menu names and prices they were placed with. ' +
      'Deleted orders are not part of history.',
    validates: true,
    success: { status: 200, type: HistoryPageDto, description: 'one page of past sessions' },
    errors: [
      [
        ErrorCode.VALIDATION_ERROR,
        'malformed table id, a date that is not an existing YYYY-MM-DD day, `from` after `to`, page < 1, ' +
          'pageSize outside 1-100, or an unknown query parameter',
      ],
      [ErrorCode.TABLE_NOT_FOUND, 'no such table in the caller’s store (deleted tables included)'],
    ],
  })
  list(
    @CurrentPrincipal() principal: StorePrincipal,
    @Param('id', uuidParam()) id: string,
    @Query() query: HistoryQueryDto,
  ): Promise<HistoryPageDto> {
    return this.history.list(principal, id, query);
  }
}
