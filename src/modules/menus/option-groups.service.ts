import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError, ErrorCode } from '../../common/errors';
import { TransactionService } from '../../database/transaction.service';
import {
  MAX_OPTIONS_PER_GROUP,
  type CreateOptionDto,
  type CreateOptionGroupDto,
  type OptionDto,
  type OptionGroupDto,
  toOptionDto,
  toOptionGroupDto,
  type UpdateOptionDto,
  type UpdateOptionGroupDto,
} from './dto/option-group.dto';
import { MenuCache } from './menu-cache';
import { assertSameIds } from './menu-errors';
import {
  OptionGroupsRepository,
  type OptionGroupPatch,
  type OptionGroupRow,
  type OptionPatch,
  type OptionRow,
} from './option-groups.repository';

export const optionGroupNotFound = (): AppError =>
  AppError.notFound(ErrorCode.OPTION_GROUP_NOT_FOUND, 'option group not found');

const optionNotFound = (): AppError => AppError.notFound(ErrorCode.OPTION_NOT_FOUND, 'option not found');

function assertSelectRange(minSelect: number, maxSelect: number): void {
  if (maxSelect < minSelect) {
    throw AppError.validation([
      { field: 'maxSelect', message: `must not be less than minSelect (${minSelect})` },
    ]);
  }
}

/**
 * Option groups of one store and their options: create with options, rename and change the selection range,
 * delete (off every menu), add, change, sell out, reorder and delete options. A group's writes run under its
 * row lock; every committed change invalidates the store's cached menu, which shows the groups.
 */
@Injectable()
export class OptionGroupsService {
  constructor(
    private readonly repo: OptionGroupsRepository,
    private readonly tx: TransactionService,
    private readonly cache: MenuCache,
  ) {}

  async list(storeId: string): Promise<OptionGroupDto[]> {
    return (await this.repo.listGroups(storeId)).map(toOptionGroupDto);
  }

  async get(storeId: string, id: string): Promise<OptionGroupDto> {
    const row = await this.repo.findGroup(storeId, id);
    if (!row) throw optionGroupNotFound();
    return toOptionGroupDto(row);
  }

  async create(storeId: string, dto: CreateOptionGroupDto): Promise<OptionGroupDto> {
    assertSelectRange(dto.minSelect, dto.maxSelect);
    // A duplicate name fails on uq_option_groups_store_name → 409 DUPLICATE_OPTION_GROUP_NAME (global filter).
    const row = await this.tx.run(async (em) => {
      const id = await this.repo.insertGroup(
        em,
        storeId,
        { name: dto.name, minSelect: dto.minSelect, maxSelect: dto.maxSelect },
        dto.options.map((o) => ({ name: o.name, price: o.price, isAvailable: o.isAvailable ?? true })),
      );
      return this.found(storeId, id, em);
    });
    await this.cache.invalidate(storeId);
    return toOptionGroupDto(row);
  }

  async update(storeId: string, id: string, dto: UpdateOptionGroupDto): Promise<OptionGroupDto> {
    const result = await this.tx.run(async (em) => {
      const current = await this.repo.lockGroup(em, storeId, id);
      if (!current) throw optionGroupNotFound();
      assertSelectRange(dto.minSelect ?? current.minSelect, dto.maxSelect ?? current.maxSelect);
      const patch: OptionGroupPatch = {};
      if (dto.name !== undefined && dto.name !== current.name) patch.name = dto.name;
      if (dto.minSelect !== undefined && dto.minSelect !== current.minSelect) patch.minSelect = dto.minSelect;
      if (dto.maxSelect !== undefined && dto.maxSelect !== current.maxSelect) patch.maxSelect = dto.maxSelect;
      const changed = Object.keys(patch).length > 0;
      if (changed) await this.repo.updateGroup(em, storeId, id, patch);
      return { row: await this.found(storeId, id, em), changed };
    });
    if (result.changed) await this.cache.invalidate(storeId);
    return toOptionGroupDto(result.row);
  }

  /** Orders and history keep their snapshots; the group leaves every menu that listed it. */
  async remove(storeId: string, id: string): Promise<void> {
    await this.tx.run(async (em) => {
      if (!(await this.repo.lockGroup(em, storeId, id))) throw optionGroupNotFound();
      await this.repo.deleteGroup(em, storeId, id);
    });
    await this.cache.invalidate(storeId);
  }

  async addOption(storeId: string, groupId: string, dto: CreateOptionDto): Promise<OptionDto> {
    // A duplicate name fails on uq_options_group_name → 409 DUPLICATE_OPTION_NAME (global filter).
    const row = await this.tx.run(async (em) => {
      if (!(await this.repo.lockGroup(em, storeId, groupId))) throw optionGroupNotFound();
      if ((await this.repo.optionIds(em, groupId)).length >= MAX_OPTIONS_PER_GROUP) {
        throw AppError.validation([
          { field: 'options', message: `a group holds at most ${MAX_OPTIONS_PER_GROUP} options` },
        ]);
      }
      const option = await this.repo.insertOption(em, storeId, groupId, {
        name: dto.name,
        price: dto.price,
        isAvailable: dto.isAvailable ?? true,
      });
      await this.repo.touchGroup(em, groupId);
      return option;
    });
    await this.cache.invalidate(storeId);
    return toOptionDto(row);
  }

  async reorderOptions(storeId: string, groupId: string, ids: string[]): Promise<OptionGroupDto> {
    const row = await this.tx.run(async (em) => {
      if (!(await this.repo.lockGroup(em, storeId, groupId))) throw optionGroupNotFound();
      assertSameIds(ids, await this.repo.optionIds(em, groupId), 'option of the group');
      await this.repo.setOptionOrder(em, groupId, ids);
      return this.found(storeId, groupId, em);
    });
    await this.cache.invalidate(storeId);
    return toOptionGroupDto(row);
  }

  async updateOption(storeId: string, id: string, dto: UpdateOptionDto): Promise<OptionDto> {
    const result = await this.tx.run(async (em) => {
      const current = await this.lockOption(em, storeId, id);
      const patch: OptionPatch = {};
      if (dto.name !== undefined && dto.name !== current.name) patch.name = dto.name;
      if (dto.price !== undefined && dto.price !== current.price) patch.price = dto.price;
      if (dto.isAvailable !== undefined && dto.isAvailable !== current.isAvailable)
        patch.isAvailable = dto.isAvailable;
      if (Object.keys(patch).length === 0) return { row: current, changed: false };
      const row = await this.repo.updateOption(em, storeId, id, patch);
      await this.repo.touchGroup(em, current.groupId);
      return { row, changed: true };
    });
    if (result.changed) await this.cache.invalidate(storeId);
    return toOptionDto(result.row);
  }

  async removeOption(storeId: string, id: string): Promise<void> {
    await this.tx.run(async (em) => {
      const option = await this.lockOption(em, storeId, id);
      if ((await this.repo.optionIds(em, option.groupId)).length <= 1) {
        throw AppError.conflict(
          ErrorCode.LAST_OPTION,
          "this is the group's only option; delete the group instead",
        );
      }
      await this.repo.deleteOption(em, storeId, id);
      await this.repo.touchGroup(em, option.groupId);
    });
    await this.cache.invalidate(storeId);
  }

  /** The option, under its group's row lock (taken first, as every write to the group does). */
  private async lockOption(em: EntityManager, storeId: string, id: string): Promise<OptionRow> {
    const seen = await this.repo.findOption(storeId, id, em);
    if (!seen || !(await this.repo.lockGroup(em, storeId, seen.groupId))) throw optionNotFound();
    const option = await this.repo.findOption(storeId, id, em, true);
    if (!option) throw optionNotFound();
    return option;
  }

  private async found(storeId: string, id: string, em: EntityManager): Promise<OptionGroupRow> {
    const row = await this.repo.findGroup(storeId, id, em);
    if (!row) throw optionGroupNotFound();
    return row;
  }
}
