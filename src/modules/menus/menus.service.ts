import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '../../common/errors';
import { TransactionService } from '../../database/transaction.service';
import { toMenuDto, type CreateMenuDto, type MenuDto, type UpdateMenuDto } from './dto/menu.dto';
import { MenuCache } from './menu-cache';
import { assertSameIds, categoryNotFound, menuNotFound } from './menu-errors';
import { MenuPatch, MenuRow, MenusRepository } from './menus.repository';
import { ImageProcessor, type ProcessedImage } from './image-processor';
import { OptionGroupsRepository } from './option-groups.repository';
import { IMAGE_STORAGE, type ImageStorage } from './storage/image-storage';

/** The part of an uploaded file the service needs (Multer's memory storage provides it). */
export interface UploadedImage {
  buffer: Buffer;
  size: number;
}

/**
 * Menus of one store: create (appended last in its category), update (a move appends it last in the new
 * category), soft delete, reorder within a category, sold-out via isAvailable, and the image. Every committed
 * change invalidates the store's cached menu; image files are written before the row points at them and removed
 * only after the change that drops them commits.
 */
@Injectable()
export class MenusService {
  private readonly logger = new Logger(MenusService.name);

  constructor(
    private readonly repo: MenusRepository,
    private readonly optionGroups: OptionGroupsRepository,
    private readonly tx: TransactionService,
    private readonly cache: MenuCache,
    @Inject(IMAGE_STORAGE) private readonly storage: ImageStorage,
    private readonly images: ImageProcessor,
  ) {}

  /** The public URL of a stored image, as toMenuDto takes it. */
  readonly imageUrl = (path: string): string => this.storage.url(path);

  async list(storeId: string, categoryId?: string): Promise<MenuDto[]> {
    if (categoryId && !(await this.repo.findCategory(storeId, categoryId))) throw categoryNotFound();
    const rows = await this.repo.listMenus(storeId, categoryId);
    return rows.map((row) => toMenuDto(row, this.imageUrl));
  }

  async get(storeId: string, id: string): Promise<MenuDto> {
    const row = await this.repo.findMenu(storeId, id);
    if (!row) throw menuNotFound();
    return toMenuDto(row, this.imageUrl);
  }

  async create(storeId: string, dto: CreateMenuDto): Promise<MenuDto> {
    const row = await this.tx.run(async (em) => {
      await this.repo.lockStoreMenus(em, storeId);
      if (!(await this.repo.findCategory(storeId, dto.categoryId, em))) throw categoryNotFound();
      const menu = await this.repo.insertMenu(em, storeId, {
        categoryId: dto.categoryId,
        name: dto.name,
        description: dto.description ?? null,
        price: dto.price,
        isAvailable: dto.isAvailable ?? true,
        displayOrder: await this.repo.nextMenuOrder(em, storeId, dto.categoryId),
      });
      if (!dto.optionGroupIds?.length) return menu;
      await this.setOptionGroups(em, storeId, menu.id, dto.optionGroupIds);
      return (await this.repo.findMenu(storeId, menu.id, em)) as MenuRow;
    });
    await this.cache.invalidate(storeId);
    return toMenuDto(row, this.imageUrl);
  }

  async update(storeId: string, id: string, dto: UpdateMenuDto): Promise<MenuDto> {
    const result = await this.tx.run(async (em) => {
      await this.repo.lockStoreMenus(em, storeId);
      const current = await this.repo.findMenu(storeId, id, em, { lock: true });
      if (!current) throw menuNotFound();
      // Only the fields whose value changes: a PATCH that changes nothing leaves the menu, updatedAt included.
      const patch: MenuPatch = {};
      if (dto.name !== undefined && dto.name !== current.name) patch.name = dto.name;
      if (dto.price !== undefined && dto.price !== current.price) patch.price = dto.price;
      if (dto.description !== undefined && dto.description !== current.description)
        patch.description = dto.description;
      if (dto.isAvailable !== undefined && dto.isAvailable !== current.isAvailable)
        patch.isAvailable = dto.isAvailable;
      if (dto.categoryId !== undefined && dto.categoryId !== current.categoryId) {
        if (!(await this.repo.findCategory(storeId, dto.categoryId, em))) throw categoryNotFound();
        patch.categoryId = dto.categoryId;
        patch.displayOrder = await this.repo.nextMenuOrder(em, storeId, dto.categoryId);
      }
      const groupIds = dto.optionGroupIds;
      const groupsChange =
        groupIds !== undefined && groupIds.join() !== toMenuDto(current, this.imageUrl).optionGroupIds.join();
      if (Object.keys(patch).length === 0 && !groupsChange) return { row: current, changed: false };
      // Before the UPDATE, whose RETURNING then reads the new list (and moves updatedAt even when only it changed).
      if (groupsChange) await this.setOptionGroups(em, storeId, id, groupIds);
      return { row: (await this.repo.updateMenu(em, storeId, id, patch)) as MenuRow, changed: true };
    });
    if (result.changed) await this.cache.invalidate(storeId);
    return toMenuDto(result.row, this.imageUrl);
  }

  /** Soft delete: orders and history keep their own snapshots; the image files go. */
  async remove(storeId: string, id: string): Promise<void> {
    const current = await this.tx.run(async (em) => {
      const row = await this.repo.findMenu(storeId, id, em, { lock: true });
      if (!row) throw menuNotFound();
      await this.repo.softDeleteMenu(em, storeId, id);
      return row;
    });
    await this.cache.invalidate(storeId);
    await this.removeFiles([current.imagePath, current.thumbnailPath]);
  }

  async reorder(storeId: string, categoryId: string, ids: string[]): Promise<MenuDto[]> {
    const rows = await this.tx.run(async (em) => {
      await this.repo.lockStoreMenus(em, storeId);
      if (!(await this.repo.findCategory(storeId, categoryId, em))) throw categoryNotFound();
      assertSameIds(ids, await this.repo.menuIdsOfCategory(em, storeId, categoryId), 'menu of the category');
      await this.repo.setMenuOrder(em, storeId, categoryId, ids);
      return this.repo.listMenus(storeId, categoryId, em);
    });
    await this.cache.invalidate(storeId);
    return rows.map((row) => toMenuDto(row, this.imageUrl));
  }

  /**
   * Re-encodes the upload into a display image and a thumbnail (ImageProcessor: 415 when it does not decode), stores
   * both under new names, then points the menu at them in a short transaction, and only after it commits removes
   * the previous files. The decoding and the storage writes happen before the transaction, never inside one; a
   * failed storage write is 503 and the menu keeps its image. A crash between the writes and the commit leaves
   * unreferenced objects, which ImageSweeper removes.
   */
  async setImage(storeId: string, id: string, file: UploadedImage | undefined): Promise<MenuDto> {
    if (!file || file.size === 0) {
      throw AppError.validation([
        { field: 'image', message: 'a file in the multipart field "image" is required' },
      ]);
    }
    // Checked before any work, so a wrong id costs no decoding and never leaves a file behind.
    if (!(await this.repo.findMenu(storeId, id))) throw menuNotFound();
    const [imagePath, thumbnailPath] = await this.saveFiles(await this.images.process(file.buffer));
    let previous: MenuRow;
    let row: MenuRow;
    try {
      [row, previous] = await this.tx.run(async (em) => {
        const current = await this.repo.findMenu(storeId, id, em, { lock: true });
        if (!current) throw menuNotFound();
        const updated = await this.repo.updateMenu(em, storeId, id, { imagePath, thumbnailPath });
        return [updated as MenuRow, current] as const;
      });
    } catch (error) {
      await this.removeFiles([imagePath, thumbnailPath]);
      throw error;
    }
    await this.cache.invalidate(storeId);
    await this.removeFiles([previous.imagePath, previous.thumbnailPath]);
    return toMenuDto(row, this.imageUrl);
  }

  async removeImage(storeId: string, id: string): Promise<MenuDto> {
    const [row, previous] = await this.tx.run(async (em) => {
      const current = await this.repo.findMenu(storeId, id, em, { lock: true });
      if (!current) throw menuNotFound();
      if (!current.imagePath && !current.thumbnailPath) return [current, null] as const;
      const updated = await this.repo.updateMenu(em, storeId, id, { imagePath: null, thumbnailPath: null });
      return [updated as MenuRow, current] as const;
    });
    if (previous) {
      await this.cache.invalidate(storeId);
      await this.removeFiles([previous.imagePath, previous.thumbnailPath]);
    }
    return toMenuDto(row, this.imageUrl);
  }

  /** Every id must be a group of the store (404 naming the first that is not); the list replaces the menu's. */
  private async setOptionGroups(
    em: EntityManager,
    storeId: string,
    menuId: string,
    ids: string[],
  ): Promise<void> {
    const known = new Set(await this.optionGroups.existingGroupIds(em, storeId, ids));
    const missing = ids.find((id) => !known.has(id));
    if (missing) {
      throw AppError.notFound(ErrorCode.OPTION_GROUP_NOT_FOUND, `option group ${missing} does not exist`);
    }
    await this.optionGroups.setMenuGroups(em, storeId, menuId, ids);
  }

  /** Both files, written at once; if either fails, the other is removed again and the upload is 503. */
  private async saveFiles(image: ProcessedImage): Promise<[string, string]> {
    const results = await Promise.allSettled([
      this.storage.save(image.display.data, image.display.ext),
      this.storage.save(image.thumbnail.data, image.thumbnail.ext),
    ]);
    const saved = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failed) return saved as [string, string];
    await this.removeFiles(saved);
    this.logger.error(
      { err: failed.reason instanceof Error ? failed.reason.message : String(failed.reason) },
      'image storage write failed',
    );
    throw AppError.unavailable('the image storage is unavailable; the menu was not changed');
  }

  /**
   * A file that cannot be removed is logged, never a failed request: the change it belonged to has committed, and
   * ImageSweeper removes the orphan later.
   */
  private async removeFiles(names: Array<string | null>): Promise<void> {
    await Promise.all(
      names.map(async (name) => {
        if (!name) return;
        await this.storage.remove(name).catch((error: unknown) => {
          this.logger.warn(
            { err: error instanceof Error ? error.message : String(error), name },
            'image not removed',
          );
        });
      }),
    );
  }
}
