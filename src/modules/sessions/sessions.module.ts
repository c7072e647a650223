import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { EventsModule } from '../events/events.module';
import { TableSessionEntity } from './entities/table-session.entity';
import { RestaurantTableEntity } from './entities/table.entity';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { TablesController } from './tables.controller';
import { TablesService } from './tables.service';

@Module({
  imports: [TypeOrmModule.forFeature([RestaurantTableEntity, TableSessionEntity]), AuthModule, EventsModule],
  controllers: [TablesController],
  providers: [SessionsRepository, SessionsService, TablesService],
})
export class SessionsModule {}
