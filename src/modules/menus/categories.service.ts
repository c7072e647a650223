import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../../common/errors';
import { TransactionService } from '../../database/transaction.service';
import type { CategoryDto, CreateCategoryDto, UpdateCategoryDto } from './dto/category.dto';
import { MenuCache } from './menu-cache';
import { assertSameIds, categoryNotFound } from './menu-errors';
import { MenusRepository } from './menus.repository';

/** Menu categories of one store: create (appended last), rename, delete while empty, reorder. */
@Injectable()
export class CategoriesService {
  constructor(
    private readonly repo: MenusRepository,
    private readonly tx: TransactionService,
    private readonly cache: MenuCache,
  ) {}

  list(storeId: string): Promise<CategoryDto[]> {
    return this.repo.listCategories(storeId);
  }

  async create(storeId: string, dto: CreateCategoryDto): Promise<CategoryDto> {
    // A duplicate name fails on uq_menu_categories_store_name → 409 DUPLICATE_CATEGORY_NAME (global filter).
    const category = await this.tx.run(async (em) => {
      await this.repo.lockStoreMenus(em, storeId);
      const id = await this.repo.insertCategory(em, storeId, dto.name);
      return (await this.repo.findCategory(storeId, id, em)) as CategoryDto;
    });
    await this.cache.invalidate(storeId);
    return category;
  }

  async rename(storeId: string, id: string, dto: UpdateCategoryDto): Promise<CategoryDto> {
    const category = await this.tx.run(async (em) => {
      if (!(await this.repo.renameCategory(em, storeId, id, dto.name))) throw categoryNotFound();
      return (await this.repo.findCategory(storeId, id, em)) as CategoryDto;
    });
    await this.cache.invalidate(storeId);
    return category;
  }

  async remove(storeId: string, id: string): Promise<void> {
    await this.tx.run(async (em) => {
      // Under the store lock, so no menu can be created in the category between the check and the delete.
      await this.repo.lockStoreMenus(em, storeId);
      const category = await this.repo.findCategory(storeId, id, em);
      if (!category) throw categoryNotFound();
      if (category.menuCount > 0) {
        throw AppError.conflict(
          ErrorCode.CATEGORY_NOT_EMPTY,
          `the category still holds ${category.menuCount} menu(s); move or delete them first`,
        );
      }
      await this.repo.deleteCategory(em, storeId, id);
    });
    await this.cache.invalidate(storeId);
  }

  async reorder(storeId: string, ids: string[]): Promise<CategoryDto[]> {
    const categories = await this.tx.run(async (em) => {
      await this.repo.lockStoreMenus(em, storeId);
      assertSameIds(ids, await this.repo.categoryIds(em, storeId), 'category of the store');
      await this.repo.setCategoryOrder(em, storeId, ids);
      return this.repo.listCategories(storeId, em);
    });
    await this.cache.invalidate(storeId);
    return categories;
  }
}
