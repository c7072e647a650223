import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/errors';
import type { AppConfig } from '../../config';
import { ImageProcessor } from './image-processor';
import type { TransactionService } from '../../database/transaction.service';
import type { MenuCache } from './menu-cache';
import type { MenuRow, MenusRepository } from './menus.repository';
import { MenusService } from './menus.service';
import type { OptionGroupsRepository } from './option-groups.repository';
import type { ImageStorage } from './storage/image-storage';

const STORE = 'store-1';
const PNG = fs.readFileSync(path.join(__dirname, '../../../test/fixtures/images/sample.png'));
const NAMES = ['11111111-1111-4111-8111-111111111111.png', '22222222-2222-4222-8222-222222222222.webp'];

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
    createdAt: new Date('2026-11-21T09:30:00.000Z'),
    updatedAt: new Date('2026-11-21T09:30:00.000Z'),
    ...values,
  };
}

describe('MenusService', () => {
  const em = {} as EntityManager;
  let repo: Record<keyof MenusRepository, jest.Mock>;
  let cache: { invalidate: jest.Mock };
  let storage: Record<'save' | 'remove' | 'url', jest.Mock>;
  let committed: boolean[];
  let service: MenusService;

  beforeEach(() => {
    committed = [];
    repo = {
      lockStoreMenus: jest.fn().mockResolvedValue(undefined),
      findCategory: jest
        .fn()
        .mockResolvedValue({ id: 'cat-1', name: 'Mains', displayOrder: 0, menuCount: 1 }),
      nextMenuOrder: jest.fn().mockResolvedValue(3),
      insertMenu: jest.fn().mockImplementation((_em, _store, v: Partial<MenuRow>) => Promise.resolve(row(v))),
      findMenu: jest.fn().mockResolvedValue(row()),
      updateMenu: jest
        .fn()
        .mockImplementation((_em, _store, _id, patch: Partial<MenuRow>) => Promise.resolve(row(patch))),
      softDeleteMenu: jest.fn().mockResolvedValue(undefined),
      menuIdsOfCategory: jest.fn().mockResolvedValue(['a', 'b']),
      setMenuOrder: jest.fn().mockResolvedValue(undefined),
      listMenus: jest.fn().mockResolvedValue([]),
    } as unknown as Record<keyof MenusRepository, jest.Mock>;
    // The transaction "commits" when the work resolves; the cache and file effects must come after that.
    const tx = {
      run: async <T>(work: (m: EntityManager) => Promise<T>): Promise<T> => {
        const result = await work(em);
        committed.push(true);
        return result;
      },
    } as unknown as TransactionService;
    cache = { invalidate: jest.fn().mockImplementation(() => expect(committed.length).toBeGreaterThan(0)) };
    storage = {
      save: jest
        .fn()
        .mockImplementation((_data: Buffer, ext: string) =>
          Promise.resolve(ext === 'webp' ? NAMES[1] : NAMES[0]),
        ),
      remove: jest.fn().mockResolvedValue(undefined),
      url: jest.fn((name: string) => `/uploads/${name}`),
    };
    service = new MenusService(
      repo as unknown as MenusRepository,
      {} as OptionGroupsRepository,
      tx,
      cache as unknown as MenuCache,
      storage as unknown as ImageStorage,
      new ImageProcessor({ images: { processingConcurrency: 1 } } as AppConfig),
    );
  });

  describe('create', () => {
    it('appends the menu last in its category and invalidates the store after commit', async () => {
      const menu = await service.create(STORE, { categoryId: 'cat-1', name: 'Stew', price: 8000 });
      expect(repo.lockStoreMenus).toHaveBeenCalledWith(em, STORE);
      expect(repo.insertMenu).toHaveBeenCalledWith(em, STORE, {
        categoryId: 'cat-1',
        name: 'Stew',
        description: null,
        price: 8000,
        isAvailable: true,
        displayOrder: 3,
      });
      expect(menu).toMatchObject({
        name: 'Stew',
        displayOrder: 3,
        imageUrl: null,
        createdAt: '2026-11-21T09:30:00.000Z',
      });
      expect(cache.invalidate).toHaveBeenCalledWith(STORE);
    });

    it('refuses a category outside the store with CATEGORY_NOT_FOUND and changes nothing', async () => {
      repo.findCategory.mockResolvedValue(null);
      await expect(service.create(STORE, { categoryId: 'other', name: 'x', price: 1 })).rejects.toMatchObject(
        {
          status: 404,
          code: 'CATEGORY_NOT_FOUND',
        },
      );
      expect(repo.insertMenu).not.toHaveBeenCalled();
      expect(cache.invalidate).not.toHaveBeenCalled();
    });
  });

  describe('update', () => {
    it('passes description:null through to clear it, leaving absent fields alone', async () => {
      repo.findMenu.mockResolvedValue(row({ description: 'Hot' }));
      await service.update(STORE, 'menu-1', { description: null });
      expect(repo.updateMenu).toHaveBeenCalledWith(em, STORE, 'menu-1', { description: null });
    });

    it('writes only the fields whose value changes, and nothing (cache included) when none does', async () => {
      await service.update(STORE, 'menu-1', { name: 'Bibimbap', price: 9500, isAvailable: true });
      expect(repo.updateMenu).toHaveBeenCalledWith(em, STORE, 'menu-1', { price: 9500 });
      repo.updateMenu.mockClear();
      cache.invalidate.mockClear();
      const unchanged = await service.update(STORE, 'menu-1', { name: 'Bibimbap', categoryId: 'cat-1' });
      expect(repo.updateMenu).not.toHaveBeenCalled();
      expect(cache.invalidate).not.toHaveBeenCalled();
      expect(unchanged).toMatchObject({ name: 'Bibimbap', updatedAt: '2026-11-21T09:30:00.000Z' });
    });

    it('moving to another category appends the menu last there', async () => {
      await service.update(STORE, 'menu-1', { categoryId: 'cat-2' });
      expect(repo.nextMenuOrder).toHaveBeenCalledWith(em, STORE, 'cat-2');
      expect(repo.updateMenu).toHaveBeenCalledWith(
        em,
        STORE,
        'menu-1',
        expect.objectContaining({ categoryId: 'cat-2', displayOrder: 3 }),
      );
    });

    it('keeps the display order when the category does not change', async () => {
      await service.update(STORE, 'menu-1', { categoryId: 'cat-1', price: 1 });
      expect(repo.nextMenuOrder).not.toHaveBeenCalled();
      expect(repo.updateMenu.mock.calls[0][3]).not.toHaveProperty('displayOrder');
    });

    it('answers MENU_NOT_FOUND for a menu outside the store', async () => {
      repo.findMenu.mockResolvedValue(null);
      await expect(service.update(STORE, 'nope', { price: 1 })).rejects.toMatchObject({
        code: 'MENU_NOT_FOUND',
      });
      expect(cache.invalidate).not.toHaveBeenCalled();
    });
  });

  describe('remove', () => {
    it('soft deletes, invalidates, then removes the image and thumbnail files', async () => {
      repo.findMenu.mockResolvedValue(row({ imagePath: 'old.png', thumbnailPath: 'old.webp' }));
      storage.remove.mockImplementation(() => {
        expect(committed.length).toBeGreaterThan(0);
        return Promise.resolve();
      });
      await service.remove(STORE, 'menu-1');
      expect(repo.softDeleteMenu).toHaveBeenCalledWith(em, STORE, 'menu-1');
      expect(cache.invalidate).toHaveBeenCalledWith(STORE);
      expect(storage.remove.mock.calls).toEqual([['old.png'], ['old.webp']]);
    });

    it('a file that cannot be removed does not fail the committed delete', async () => {
      repo.findMenu.mockResolvedValue(row({ imagePath: 'old.png' }));
      storage.remove.mockRejectedValue(new Error('EACCES'));
      await expect(service.remove(STORE, 'menu-1')).resolves.toBeUndefined();
    });
  });

  describe('reorder', () => {
    it.each([[['a']], [['a', 'b', 'b']], [['a', 'c']], [['b', 'a', 'c']]])(
      'refuses %j when the category holds a, b',
      async (ids) => {
        const error = (await service.reorder(STORE, 'cat-1', ids).catch((e: unknown) => e)) as AppError;
        expect(error).toBeInstanceOf(AppError);
        expect(error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
        expect(repo.setMenuOrder).not.toHaveBeenCalled();
        expect(cache.invalidate).not.toHaveBeenCalled();
      },
    );

    it('writes the new order when every menu is listed once', async () => {
      await service.reorder(STORE, 'cat-1', ['b', 'a']);
      expect(repo.setMenuOrder).toHaveBeenCalledWith(em, STORE, 'cat-1', ['b', 'a']);
      expect(cache.invalidate).toHaveBeenCalledWith(STORE);
    });
  });

  describe('images', () => {
    it('requires a file', async () => {
      await expect(service.setImage(STORE, 'menu-1', undefined)).rejects.toMatchObject({ status: 400 });
    });

    it('decides the type by the bytes: text is 415 and nothing is stored', async () => {
      const file = { buffer: Buffer.from('hello, I am a .png'), size: 18 };
      await expect(service.setImage(STORE, 'menu-1', file)).rejects.toMatchObject({
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
      expect(storage.save).not.toHaveBeenCalled();
    });

    it('stores the display PNG and a WebP thumbnail, then removes the previous files after commit', async () => {
      repo.findMenu.mockResolvedValue(row({ imagePath: 'previous.jpg', thumbnailPath: 'previous.webp' }));
      storage.remove.mockImplementation(() => {
        expect(committed.length).toBeGreaterThan(0);
        return Promise.resolve();
      });
      const menu = await service.setImage(STORE, 'menu-1', { buffer: PNG, size: PNG.length });
      expect(storage.save.mock.calls.map((c: unknown[]) => c[1])).toEqual(['png', 'webp']);
      expect(repo.updateMenu).toHaveBeenCalledWith(em, STORE, 'menu-1', {
        imagePath: NAMES[0],
        thumbnailPath: NAMES[1],
      });
      expect(menu.imageUrl).toBe(`/uploads/${NAMES[0]}`);
      expect(menu.thumbnailUrl).toBe(`/uploads/${NAMES[1]}`);
      expect(storage.remove.mock.calls).toEqual([['previous.jpg'], ['previous.webp']]);
      expect(cache.invalidate).toHaveBeenCalledWith(STORE);
    });

    it('answers 503 when the storage write fails: no transaction, the other file removed again', async () => {
      repo.findMenu.mockResolvedValue(row({ imagePath: 'previous.jpg', thumbnailPath: 'previous.webp' }));
      storage.save.mockImplementation((_data: Buffer, ext: string) =>
        ext === 'webp' ? Promise.reject(new Error('connect ECONNREFUSED')) : Promise.resolve(NAMES[0]),
      );
      await expect(
        service.setImage(STORE, 'menu-1', { buffer: PNG, size: PNG.length }),
      ).rejects.toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(committed).toEqual([]);
      expect(repo.updateMenu).not.toHaveBeenCalled();
      expect(cache.invalidate).not.toHaveBeenCalled();
      expect(storage.remove.mock.calls).toEqual([[NAMES[0]]]);
    });

    it('removes the new files when the menu vanished before the update committed', async () => {
      repo.findMenu.mockResolvedValueOnce(row()).mockResolvedValueOnce(null);
      await expect(
        service.setImage(STORE, 'menu-1', { buffer: PNG, size: PNG.length }),
      ).rejects.toMatchObject({
        code: 'MENU_NOT_FOUND',
      });
      expect(storage.remove.mock.calls).toEqual([[NAMES[0]], [NAMES[1]]]);
    });

    it('removeImage without an image changes nothing', async () => {
      const menu = await service.removeImage(STORE, 'menu-1');
      expect(menu.imageUrl).toBeNull();
      expect(menu.thumbnailUrl).toBeNull();
      expect(repo.updateMenu).not.toHaveBeenCalled();
      expect(storage.remove).not.toHaveBeenCalled();
    });
  });
});
