import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
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
  // The body is the cached JSON text itself (MenuCache), sent as its UTF-8 bytes.
  @Header('Content-Type', 'application/json; charset=utf-8')
  @Endpoint({
    operationId: 'getMenu',
    auth: ['table', 'admin'],
    summary: 'The menu tablets show: categories with their items in display order (cached, 5 min)',
    description:
      'Deleted menus never appear; sold-out ones do with isAvailable:false; a category without a visible item ' +
      'is left out; description and imageUrl are null when absent.',
    success: [
      {
        status: 200,
        type: MenuViewDto,
        description: 'the store’s menu',
        headers: {
          ETag: {
            description:
              'weak validator of the body; send it back as If-None-Match to get 304 while the menu is unchanged',
            schema: { type: 'string' },
          },
        },
      },
      { status: 304, description: 'not modified: If-None-Match names the current ETag; no body' },
    ],
  })
  async menu(@CurrentPrincipal() p: StorePrincipal, @Res() res: Response): Promise<void> {
    // Express would hash the body for its ETag and encode it to UTF-8 on every response: here its own ETag
    // function, and the encoding, run once per body version. `send` still answers 304 to a matching If-None-Match
    // and no body to HEAD; given bytes and a Content-Type, it neither re-encodes nor re-parses the type.
    const etagFn = res.app.get('etag fn') as (body: string, encoding: BufferEncoding) => string;
    const { bytes, etag } = await this.view.menuBody(p.storeId, (text) => etagFn(text, 'utf8'));
    res.setHeader('ETag', etag);
    res.send(bytes);
  }
}
