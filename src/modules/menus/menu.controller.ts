import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, CurrentPrincipal, type StorePrincipal } from '../../common/auth';
import { API_PREFIX } from '../../common/http/api';
import { MenuViewDto } from './dto/menu-view.dto';
import { MenuViewService } from './menu-view.service';

@ApiTags('menu')
@Auth('table', 'admin')
@Controller(`${API_PREFIX}/menu`)
export class MenuController {
  constructor(private readonly view: MenuViewService) {}

  @Get()
  // The body is the cached JSON text itself (MenuCache), sent as is.
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOperation({
    summary: 'The menu tablets show: categories with their items in display order (cached, 5 min)',
    description:
      'Deleted menus never appear; sold-out ones do with isAvailable:false; a category without a visible item ' +
      'is left out; description and imageUrl are null when absent.',
  })
  @ApiOkResponse({ type: MenuViewDto })
  menu(@CurrentPrincipal() p: StorePrincipal): Promise<string> {
    return this.view.menuJson(p.storeId);
  }
}
