import { Injectable } from '@nestjs/common';
import { toMenuDto } from './dto/menu.dto';
import { toOptionGroupDto } from './dto/option-group.dto';
import type { MenuViewCategoryDto, MenuViewDto, MenuViewOptionGroupDto } from './dto/menu-view.dto';
import { MenuCache } from './menu-cache';
import { MenusRepository } from './menus.repository';
import { MenusService } from './menus.service';

const MAX_REMEMBERED_BODIES = 1000;

export interface MenuBody {
  json: string;
  bytes: Buffer;
  etag: string;
}

/** GET /api/v1/menu: what tablets show, served from the cache (cache-aside, see MenuCache). */
@Injectable()
export class MenuViewService {
  constructor(
    private readonly repo: MenusRepository,
    private readonly menus: MenusService,
    private readonly cache: MenuCache,
  ) {}

  /**
   * Per store, the last body answered, its bytes and its ETag: bounded, it only saves encoding and hashing the same
   * text again.
   */
  private readonly bodies = new Map<string, MenuBody>();

  /** The response body as JSON text: cached as these exact bytes, so a hit costs no serialization. */
  menuJson(storeId: string): Promise<string> {
    return this.cache.getOrLoad(storeId, async () => JSON.stringify(await this.build(storeId)));
  }

  /**
   * The body as UTF-8 bytes and its ETag by `etagOf` (the controller passes Express's own), both computed only when
   * the store's body changed: comparing the text to the last one is far cheaper than encoding and hashing it.
   */
  async menuBody(storeId: string, etagOf: (text: string) => string): Promise<MenuBody> {
    const json = await this.menuJson(storeId);
    const known = this.bodies.get(storeId);
    if (known?.json === json) return known;
    const fresh = { json, bytes: Buffer.from(json, 'utf8'), etag: etagOf(json) };
    if (!known && this.bodies.size >= MAX_REMEMBERED_BODIES) {
      this.bodies.delete(this.bodies.keys().next().value as string);
    }
    this.bodies.set(storeId, fresh);
    return fresh;
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
      // The admin DTO less what tablets are not shown, plus the groups themselves, in this key order.
      const {
        categoryId: _c,
        optionGroupIds,
        createdAt: _a,
        updatedAt: _u,
        ...item
      } = toMenuDto(row, this.menus.imageUrl);
      const optionGroups = optionGroupIds.flatMap((groupId) => groupsById.get(groupId) ?? []);
      byCategory.get(row.categoryId)?.items.push({ ...item, optionGroups });
    }
    return { categories: [...byCategory.values()].filter((c) => c.items.length > 0) };
  }
}
