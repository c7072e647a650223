import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { AdminUserEntity } from './entities/admin-user.entity';
import { StoreEntity } from './entities/store.entity';
import { StoresController } from './stores.controller';
import { StoresRepository } from './stores.repository';
import { StoresService } from './stores.service';

/** Platform administration (superadmin only): stores and their admin accounts. */
@Module({
  imports: [TypeOrmModule.forFeature([StoreEntity, AdminUserEntity]), AuthModule],
  controllers: [StoresController],
  providers: [StoresRepository, StoresService],
})
export class StoresModule {}
