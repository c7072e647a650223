import { Body, Controller, Delete, HttpCode, Param, Patch } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type StorePrincipal } from '../../common/auth';
import { ErrorCode } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { ApiUuidParam, uuidParam } from '../../common/http/uuid-param';
import { OptionDto, UpdateOptionDto } from './dto/option-group.dto';
import { DUPLICATE_OPTION_NAME } from './menu-errors';
import { OptionGroupsService } from './option-groups.service';

const OPTION_NOT_FOUND = [ErrorCode.OPTION_NOT_FOUND, 'no such option in your store'] as const;

@ApiTags('menu options (admin)')
@Controller(`${API_PREFIX}/admin/options`)
export class OptionsController {
  constructor(private readonly groups: OptionGroupsService) {}

  @Patch(':id')
  @ApiUuidParam()
  @Endpoint({
    operationId: 'updateOption',
    auth: 'admin',
    summary: 'Change an option; isAvailable:false marks this one choice sold out',
    validates: true,
    jsonBody: true,
    success: { status: 200, type: OptionDto, description: 'the option' },
    errors: [OPTION_NOT_FOUND, DUPLICATE_OPTION_NAME],
  })
  update(
    @CurrentPrincipal() p: StorePrincipal,
    @Param('id', uuidParam()) id: string,
    @Body() dto: UpdateOptionDto,
  ): Promise<OptionDto> {
    return this.groups.updateOption(p.storeId, id, dto);
  }

  @Delete(':id')
  @ApiUuidParam()
  @HttpCode(204)
  @Endpoint({
    operationId: 'deleteOption',
    auth: 'admin',
    summary: "Delete an option (not a group's only one); orders keep their snapshots",
    validates: true,
    success: { status: 204, description: 'deleted' },
    errors: [OPTION_NOT_FOUND, [ErrorCode.LAST_OPTION, "the group's only option"]],
  })
  remove(@CurrentPrincipal() p: StorePrincipal, @Param('id', uuidParam()) id: string): Promise<void> {
    return this.groups.removeOption(p.storeId, id);
  }
}
