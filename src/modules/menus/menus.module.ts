import { Module } from '@nestjs/common';
import { CacheModule, type CacheModuleOptions } from '@nestjs/cache-manager';
import { TypeOrmModule } from '@nestjs/typeorm';
import type Redis from 'ioredis';
import { REDIS } from '../../common/redis/redis.module';
import { AppConfig } from '../../config';
import { CategoriesController } from './categories.controller';
import { CategoriesService } from './categories.service';
import { MenuCategoryEntity } from './entities/menu-category.entity';
import { MenuEntity } from './entities/menu.entity';
import { createRedisMenuStore, MENU_CACHE_TTL_MS, MenuCache } from './menu-cache';
import { AdminMenusController } from './admin-menus.controller';
import { MenuViewController } from './menu-view.controller';
import { MenuViewService } from './menu-view.service';
import { MenusRepository } from './menus.repository';
import { MenusService } from './menus.service';
import { DemoPictures } from './demo-pictures';
import { ImageProcessor } from './image-processor';
import { ImageSweeper } from './image-sweeper';
import { OptionGroupsController } from './option-groups.controller';
import { OptionsController } from './options.controller';
import { OptionGroupsRepository } from './option-groups.repository';
import { OptionGroupsService } from './option-groups.service';
import { IMAGE_STORAGE, type ImageStorage } from './storage/image-storage';
import { LocalImageStorage } from './storage/local-image-storage';
import { S3ImageStorage } from './storage/s3-image-storage';
import { UploadsController } from './uploads.controller';

@Module({
  imports: [
    TypeOrmModule.forFeature([MenuCategoryEntity, MenuEntity]),
    // The cache store is chosen here, once: the shared Redis client (every instance sees an invalidation made on
    // one) when REDIS_URL is set, otherwise cache-manager's in-process store.
    CacheModule.registerAsync({
      inject: [REDIS],
      useFactory: (redis: Redis | null): CacheModuleOptions =>
        redis
          ? { ttl: MENU_CACHE_TTL_MS, stores: [createRedisMenuStore(redis)] }
          : { ttl: MENU_CACHE_TTL_MS },
    }),
  ],
  controllers: [
    CategoriesController,
    AdminMenusController,
    OptionGroupsController,
    OptionsController,
    MenuViewController,
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
    ImageProcessor,
    ImageSweeper,
    DemoPictures,
    // The image storage is chosen here, once: an S3-compatible bucket with IMAGE_STORAGE=s3, else the local disk.
    {
      provide: IMAGE_STORAGE,
      inject: [AppConfig],
      useFactory: (config: AppConfig): ImageStorage =>
        config.images.s3 ? new S3ImageStorage(config.images.s3) : new LocalImageStorage(config),
    },
  ],
  exports: [MenusRepository, OptionGroupsRepository, TypeOrmModule, IMAGE_STORAGE],
})
export class MenusModule {}
