import { Injectable } from '@nestjs/common';
import { toMenuDto } from './dto/menu.dto';
import { toOptionGroupDto } from './dto/option-group.dto';
import type { MenuViewCategoryDto, MenuViewDto, MenuViewOptionGroupDto } from './dto/menu-view.dto';
import { MenuCache } from './menu-cache';
import { MenusRepository } from './menus.repository';
import { MenusService } from './menus.service';

/** GET /api/v1/menu: what tablets show, served from the cache (cache-aside, see MenuCache). */
@Injectable()
export class MenuViewService {
  constructor(
    private readonly repo: MenusRepository,
    private readonly menus: MenusService,
    private readonly cache: MenuCache,
  ) {}

  /** The response body as JSON text: cached as these exact bytes, so a hit costs no serialization. */
  menuJson(storeId: string): Promise<string> {
    return this.cache.getOrLoad(storeId, async () => JSON.stringify(await this.build(storeId)));
  }

  async build(storeId: string): Promise<MenuViewDto> {
    const { categories, menus, groups } = await this.repo.menuView(storeId);
    const groupsById = new Map<string, MenuViewOptionGroupDto>(
      groups.map(toOptionGroupDto).map(({ id, name, minSelect, maxSelect, options }) => [
        id,
        {
          id,
          name,
          minSelect,
          maxSelect,
          options: options.map((o) => ({
            id: o.id,
            name: o.name,
            price: o.price,
            isAvailable: o.isAvailable,
          })),
        },
      ]),
    );
    const byCategory = new Map<string, MenuViewCategoryDto>(
      categories.map((c) => [
        c.id,
        { id: c.id, name: c.name, displayOrder: Number(c.displayOrder), items: [] },
      ]),
    );
    for (const row of menus) {
      const {
        id,
        name,
        description,
        price,
        imageUrl,
        thumbnailUrl,
        isAvailable,
        displayOrder,
        optionGroupIds,
      } = toMenuDto(row, this.menus.imageUrl);
      const optionGroups = optionGroupIds.flatMap((groupId) => groupsById.get(groupId) ?? []);
      byCategory.get(row.categoryId)?.items.push({
        id,
        name,
        description,
        price,
        imageUrl,
        thumbnailUrl,
        isAvailable,
        displayOrder,
        optionGroups,
      });
    }
    return { categories: [...byCategory.values()].filter((c) => c.items.length > 0) };
  }
}
