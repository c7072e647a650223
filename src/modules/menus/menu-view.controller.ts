import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type StorePrincipal } from '../../common/auth';
import { API_PREFIX } from '../../common/http/api';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { MenuViewDto } from './dto/menu-view.dto';
import { MenuViewService } from './menu-view.service';

@ApiTags('menu')
@Controller(`${API_PREFIX}/menu`)
export class MenuViewController {
  constructor(private readonly view: MenuViewService) {}

  @Get()
  // The body is the cached JSON text itself (MenuCache), sent as is.
  @Header('Content-Type', 'application/json; charset=utf-8')
  @Endpoint({
    operationId: 'getMenu',
    auth: ['table', 'admin'],
    summary: 'The menu tablets show: categories with their items in display order (cached, 5 min)',
    description:
      'Deleted menus never appear; sold-out ones do with isAvailable:false; a category without a visible item ' +
      'is left out; description and imageUrl are null when absent.',
    success: { status: 200, type: MenuViewDto, description: 'the store’s menu' },
  })
  menu(@CurrentPrincipal() p: StorePrincipal): Promise<string> {
    return this.view.menuJson(p.storeId);
  }
}
