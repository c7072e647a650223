import { Module } from '@nestjs/common';
import { CacheModule, type CacheModuleOptions } from '@nestjs/cache-manager';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../config';
import { CategoriesController } from './categories.controller';
import { CategoriesService } from './categories.service';
import { MenuCategoryEntity } from './entities/menu-category.entity';
import { MenuEntity } from './entities/menu.entity';
import { createRedisMenuStore, MENU_CACHE_TTL_MS, MenuCache } from './menu-cache';
import { MenuViewService } from './menu-view.service';
import { MenuController } from './menu.controller';
import { MenusController } from './menus.controller';
import { MenusRepository } from './menus.repository';
import { MenusService } from './menus.service';
import { OptionGroupsController, OptionsController } from './option-groups.controller';
import { OptionGroupsRepository } from './option-groups.repository';
import { OptionGroupsService } from './option-groups.service';
import { IMAGE_STORAGE } from './storage/image-storage';
import { LocalImageStorage } from './storage/local-image-storage';
import { UploadsController } from './uploads.controller';

@Module({
  imports: [
    TypeOrmModule.forFeature([MenuCategoryEntity, MenuEntity]),
    // The cache store is chosen here, once: Redis (shared by every instance, so an invalidation on one is seen
    // by all) when REDIS_URL is set, otherwise cache-manager's in-process store.
    CacheModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig): CacheModuleOptions =>
        config.redis.url
          ? { ttl: MENU_CACHE_TTL_MS, stores: [createRedisMenuStore(config)] }
          : { ttl: MENU_CACHE_TTL_MS },
    }),
  ],
  controllers: [
    CategoriesController,
    MenusController,
    OptionGroupsController,
    OptionsController,
    MenuController,
    UploadsController,
  ],
  providers: [
    MenusRepository,
    OptionGroupsRepository,
    OptionGroupsService,
    MenuCache,
    CategoriesService,
    MenusService,
    MenuViewService,
    LocalImageStorage,
    { provide: IMAGE_STORAGE, useExisting: LocalImageStorage },
  ],
  exports: [MenusRepository, OptionGroupsRepository, TypeOrmModule],
})
export class MenusModule {}
