import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EntityManager } from 'typeorm';
import { createMock } from '../../../test/utils/automock';
import { TransactionFake } from '../../../test/utils/fakes';
import { AppError } from '../../common/errors';
import type { AppConfig } from '../../config';
import type { TransactionService } from '../../database/transaction.service';
import { ImageProcessor } from './image-processor';
import type { MenuCache } from './menu-cache';
import type { CategoryRow, MenuPatch, MenuRow, MenusRepository } from './menus.repository';
import { MenusService } from './menus.service';
import type { OptionGroupsRepository } from './option-groups.repository';
import type { ImageStorage } from './storage/image-storage';

const STORE = 'store-1';
const PNG = fs.readFileSync(path.join(__dirname, '../../../test/fixtures/images/sample.png'));
const NAMES = ['11111111-1111-4111-8111-111111111111.png', '22222222-2222-4222-8222-222222222222.webp'];
const CREATED = new Date('2026-11-21T09:30:00.000Z');

function row(values: Partial<MenuRow> = {}): MenuRow {
  return {
    id: 'menu-1',
    categoryId: 'cat-1',
    name: 'Bibimbap',
    description: null,
    price: 9000,
    imagePath: null,
    thumbnailPath: null,
    isAvailable: true,
    displayOrder: 0,
    optionGroupIds: [],
    createdAt: CREATED,
    updatedAt: CREATED,
    ...values,
  };
}

/** The store's categories and menus in memory, as MenusRepository reads and writes them (deleted menus hidden). */
class MenusFake {
  readonly categories: Array<CategoryRow & { storeId: string }> = [
    { storeId: STORE, id: 'cat-1', name: 'Mains', displayOrder: 0, menuCount: 0 },
    { storeId: STORE, id: 'cat-2', name: 'Sides', displayOrder: 1, menuCount: 0 },
    { storeId: 'store-2', id: 'other', name: 'Theirs', displayOrder: 0, menuCount: 0 },
  ];
  readonly menus: Array<{ storeId: string; deleted: boolean; row: MenuRow }> = [];
  /** Runs as an image's files are being saved: a test can change the menu meanwhile. */
  duringSave?: () => void;

  add(values: Partial<MenuRow> = {}): MenuRow {
    const menu = row({ id: `menu-${this.menus.length + 1}`, ...values });
    this.menus.push({ storeId: STORE, deleted: false, row: menu });
    return row(menu);
  }

  /** The live menu with this id, as stored. */
  live(id: string): MenuRow | undefined {
    return this.menus.find((m) => m.row.id === id && !m.deleted)?.row;
  }

  private ofCategory(storeId: string, categoryId: string): MenuRow[] {
    return this.menus
      .filter((m) => m.storeId === storeId && !m.deleted && m.row.categoryId === categoryId)
      .map((m) => m.row)
      .sort((x, y) => x.displayOrder - y.displayOrder);
  }

  readonly repository = createMock<MenusRepository>({
    lockStoreMenus: () => Promise.resolve(),
    findCategory: (storeId: string, id: string) =>
      Promise.resolve(this.categories.find((c) => c.storeId === storeId && c.id === id) ?? null),
    nextMenuOrder: (_em: EntityManager, storeId: string, categoryId: string) =>
      Promise.resolve(Math.max(-1, ...this.ofCategory(storeId, categoryId).map((m) => m.displayOrder)) + 1),
    insertMenu: (_em: EntityManager, storeId: string, values: Partial<MenuRow>) => {
      const menu = row({ id: `menu-${this.menus.length + 1}`, ...values });
      this.menus.push({ storeId, deleted: false, row: menu });
      return Promise.resolve(row(menu));
    },
    findMenu: (storeId: string, id: string) => {
      const found = this.menus.find((m) => m.storeId === storeId && m.row.id === id && !m.deleted);
      return Promise.resolve(found ? row(found.row) : null);
    },
    updateMenu: (_em: EntityManager, storeId: string, id: string, patch: MenuPatch) => {
      const found = this.menus.find((m) => m.storeId === storeId && m.row.id === id && !m.deleted);
      if (!found) return Promise.resolve(null);
      Object.assign(found.row, patch, { updatedAt: new Date('2026-11-21T10:00:00.000Z') });
      return Promise.resolve(row(found.row));
    },
    softDeleteMenu: (_em: EntityManager, storeId: string, id: string) => {
      for (const m of this.menus) if (m.storeId === storeId && m.row.id === id) m.deleted = true;
      return Promise.resolve();
    },
    menuIdsOfCategory: (_em: EntityManager, storeId: string, categoryId: string) =>
      Promise.resolve(this.ofCategory(storeId, categoryId).map((m) => m.id)),
    setMenuOrder: (_em: EntityManager, storeId: string, categoryId: string, ids: string[]) => {
      for (const m of this.ofCategory(storeId, categoryId)) m.displayOrder = ids.indexOf(m.id);
      return Promise.resolve();
    },
    listMenus: (storeId: string, categoryId?: string) =>
      Promise.resolve(
        this.menus
          .filter(
            (m) => m.storeId === storeId && !m.deleted && (!categoryId || m.row.categoryId === categoryId),
          )
          .map((m) => row(m.row))
          .sort((x, y) => x.displayOrder - y.displayOrder),
      ),
  });
}

/** Image storage in memory: the files it holds, and each removal with the number of commits made before it. */
class StorageFake {
  readonly files = new Set<string>();
  readonly removed: Array<{ name: string; afterCommits: number }> = [];
  failSaveOf?: string;
  failRemove = false;

  constructor(
    private readonly tx: TransactionFake,
    private readonly menus: MenusFake,
  ) {}

  readonly storage = createMock<ImageStorage>({
    save: (_data: Buffer, ext: string) => {
      this.menus.duringSave?.();
      if (ext === this.failSaveOf) return Promise.reject(new Error('connect ECONNREFUSED'));
      const name = ext === 'webp' ? NAMES[1] : NAMES[0];
      this.files.add(name);
      return Promise.resolve(name);
    },
    remove: (name: string) => {
      if (this.failRemove) return Promise.reject(new Error('EACCES'));
      this.files.delete(name);
      this.removed.push({ name, afterCommits: this.tx.commits });
      return Promise.resolve();
    },
    url: (name: string) => `/uploads/${name}`,
  });
}

describe('MenusService', () => {
  let tx: TransactionFake;
  let menus: MenusFake;
  let files: StorageFake;
  /** Each invalidation of the menu cache, with the number of commits made before it. */
  let invalidations: Array<{ storeId: string; afterCommits: number }>;
  let service: MenusService;

  beforeEach(() => {
    tx = new TransactionFake();
    menus = new MenusFake();
    files = new StorageFake(tx, menus);
    invalidations = [];
    const cache = createMock<MenuCache>({
      invalidate: (storeId: string) => {
        invalidations.push({ storeId, afterCommits: tx.commits });
        return Promise.resolve();
      },
    });
    service = new MenusService(
      menus.repository,
      createMock<OptionGroupsRepository>(),
      createMock<TransactionService>(tx),
      cache,
      files.storage,
      new ImageProcessor({ images: { processingConcurrency: 1 } } as AppConfig),
    );
  });

  describe('create', () => {
    it('appends the menu last in its category and invalidates the store after commit', async () => {
      for (let i = 0; i < 3; i++) menus.add({ displayOrder: i });
      const menu = await service.create(STORE, { categoryId: 'cat-1', name: 'Stew', price: 8000 });
      expect(menu).toMatchObject({
        categoryId: 'cat-1',
        name: 'Stew',
        description: null,
        price: 8000,
        isAvailable: true,
        displayOrder: 3,
        imageUrl: null,
        createdAt: '2026-11-21T09:30:00.000Z',
      });
      expect(menus.live(menu.id)).toMatchObject({ name: 'Stew', displayOrder: 3 });
      expect(invalidations).toEqual([{ storeId: STORE, afterCommits: 1 }]);
    });

    it('refuses a category outside the store with CATEGORY_NOT_FOUND and changes nothing', async () => {
      await expect(service.create(STORE, { categoryId: 'other', name: 'x', price: 1 })).rejects.toMatchObject(
        { status: 404, code: 'CATEGORY_NOT_FOUND' },
      );
      expect(menus.menus).toEqual([]);
      expect(invalidations).toEqual([]);
    });
  });

  describe('update', () => {
    it('clears the description with description:null, leaving absent fields alone', async () => {
      const before = menus.add({ description: 'Hot' });
      const menu = await service.update(STORE, before.id, { description: null });
      expect(menu).toMatchObject({ description: null, name: 'Bibimbap', price: 9000 });
      expect(menus.live(before.id)).toMatchObject({ description: null, name: 'Bibimbap', price: 9000 });
    });

    it('changes what differs, and nothing (updatedAt and cache included) when nothing does', async () => {
      const before = menus.add();
      const changed = await service.update(STORE, before.id, {
        name: 'Bibimbap',
        price: 9500,
        isAvailable: true,
      });
      expect(changed).toMatchObject({ name: 'Bibimbap', price: 9500, updatedAt: '2026-11-21T10:00:00.000Z' });
      expect(invalidations).toHaveLength(1);
      const stored = row(menus.live(before.id));
      const unchanged = await service.update(STORE, before.id, { name: 'Bibimbap', categoryId: 'cat-1' });
      expect(unchanged).toEqual(changed);
      expect(menus.live(before.id)).toEqual(stored);
      expect(invalidations).toHaveLength(1);
    });

    it('moving to another category appends the menu last there', async () => {
      const menu = menus.add();
      menus.add({ categoryId: 'cat-2', displayOrder: 0 });
      menus.add({ categoryId: 'cat-2', displayOrder: 1 });
      await expect(service.update(STORE, menu.id, { categoryId: 'cat-2' })).resolves.toMatchObject({
        categoryId: 'cat-2',
        displayOrder: 2,
      });
    });

    it('keeps the display order when the category does not change', async () => {
      const menu = menus.add({ displayOrder: 4 });
      await expect(service.update(STORE, menu.id, { categoryId: 'cat-1', price: 1 })).resolves.toMatchObject({
        price: 1,
        displayOrder: 4,
      });
    });

    it('answers MENU_NOT_FOUND for a menu outside the store', async () => {
      await expect(service.update(STORE, 'nope', { price: 1 })).rejects.toMatchObject({
        code: 'MENU_NOT_FOUND',
      });
      expect(invalidations).toEqual([]);
    });
  });

  describe('remove', () => {
    it('soft deletes, invalidates, then removes the image and thumbnail files after commit', async () => {
      const menu = menus.add({ imagePath: 'old.png', thumbnailPath: 'old.webp' });
      files.files.add('old.png').add('old.webp');
      await service.remove(STORE, menu.id);
      await expect(service.get(STORE, menu.id)).rejects.toMatchObject({ code: 'MENU_NOT_FOUND' });
      expect(invalidations).toEqual([{ storeId: STORE, afterCommits: 1 }]);
      expect(files.removed).toEqual([
        { name: 'old.png', afterCommits: 1 },
        { name: 'old.webp', afterCommits: 1 },
      ]);
      expect(files.files.size).toBe(0);
    });

    it('a file that cannot be removed does not fail the committed delete', async () => {
      const menu = menus.add({ imagePath: 'old.png' });
      files.failRemove = true;
      await expect(service.remove(STORE, menu.id)).resolves.toBeUndefined();
      expect(menus.live(menu.id)).toBeUndefined();
    });
  });

  describe('reorder', () => {
    beforeEach(() => {
      menus.add({ id: 'a', displayOrder: 0 });
      menus.add({ id: 'b', displayOrder: 1 });
    });

    it.each([[['a']], [['a', 'b', 'b']], [['a', 'c']], [['b', 'a', 'c']]])(
      'refuses %j when the category holds a, b',
      async (ids) => {
        const error = (await service.reorder(STORE, 'cat-1', ids).catch((e: unknown) => e)) as AppError;
        expect(error).toBeInstanceOf(AppError);
        expect(error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
        expect((await service.list(STORE, 'cat-1')).map((m) => m.id)).toEqual(['a', 'b']);
        expect(invalidations).toEqual([]);
      },
    );

    it('writes the new order when every menu is listed once', async () => {
      const listed = await service.reorder(STORE, 'cat-1', ['b', 'a']);
      expect(listed.map((m) => [m.id, m.displayOrder])).toEqual([
        ['b', 0],
        ['a', 1],
      ]);
      expect(invalidations).toEqual([{ storeId: STORE, afterCommits: 1 }]);
    });
  });

  describe('images', () => {
    it('requires a file', async () => {
      await expect(service.setImage(STORE, 'menu-1', undefined)).rejects.toMatchObject({ status: 400 });
    });

    it('decides the type by the bytes: text is 415 and nothing is stored', async () => {
      const menu = menus.add();
      const file = { buffer: Buffer.from('hello, I am a .png'), size: 18 };
      await expect(service.setImage(STORE, menu.id, file)).rejects.toMatchObject({
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
      expect(files.files.size).toBe(0);
    });

    it('stores the display PNG and a WebP thumbnail, then removes the previous files after commit', async () => {
      const before = menus.add({ imagePath: 'previous.jpg', thumbnailPath: 'previous.webp' });
      files.files.add('previous.jpg').add('previous.webp');
      const menu = await service.setImage(STORE, before.id, { buffer: PNG, size: PNG.length });
      expect(menu.imageUrl).toBe(`/uploads/${NAMES[0]}`);
      expect(menu.thumbnailUrl).toBe(`/uploads/${NAMES[1]}`);
      expect(menus.live(before.id)).toMatchObject({ imagePath: NAMES[0], thumbnailPath: NAMES[1] });
      expect([...files.files]).toEqual(NAMES);
      expect(files.removed).toEqual([
        { name: 'previous.jpg', afterCommits: 1 },
        { name: 'previous.webp', afterCommits: 1 },
      ]);
      expect(invalidations).toEqual([{ storeId: STORE, afterCommits: 1 }]);
    });

    it('answers 503 when the storage write fails: no transaction, the other file removed again', async () => {
      const before = menus.add({ imagePath: 'previous.jpg', thumbnailPath: 'previous.webp' });
      files.failSaveOf = 'webp';
      await expect(
        service.setImage(STORE, before.id, { buffer: PNG, size: PNG.length }),
      ).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(tx.commits + tx.rollbacks).toBe(0);
      expect(menus.live(before.id)).toEqual(before);
      expect(invalidations).toEqual([]);
      expect(files.removed.map((r) => r.name)).toEqual([NAMES[0]]);
      expect(files.files.size).toBe(0);
    });

    it('removes the new files when the menu is deleted while they are being saved', async () => {
      const menu = menus.add();
      menus.duringSave = () => {
        for (const m of menus.menus) m.deleted = true;
      };
      await expect(service.setImage(STORE, menu.id, { buffer: PNG, size: PNG.length })).rejects.toMatchObject(
        { code: 'MENU_NOT_FOUND' },
      );
      expect(files.removed.map((r) => r.name)).toEqual(NAMES);
      expect(files.files.size).toBe(0);
    });

    it('removeImage without an image changes nothing', async () => {
      const before = menus.add();
      const menu = await service.removeImage(STORE, before.id);
      expect(menu.imageUrl).toBeNull();
      expect(menu.thumbnailUrl).toBeNull();
      expect(menus.live(before.id)).toEqual(before);
      expect(files.removed).toEqual([]);
      expect(invalidations).toEqual([]);
    });
  });
});
