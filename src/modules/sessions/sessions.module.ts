import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { EventsModule } from '../events/events.module';
import { StaffCallsModule } from '../staff-calls/staff-calls.module';
import { TableSessionEntity } from './entities/table-session.entity';
import { RestaurantTableEntity } from './entities/table.entity';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { TablesController } from './tables.controller';
import { TableMovesService } from './table-moves.service';
import { TablesService } from './tables.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([RestaurantTableEntity, TableSessionEntity]),
    AuthModule,
    EventsModule,
    StaffCallsModule,
  ],
  controllers: [TablesController],
  providers: [SessionsRepository, SessionsService, TablesService, TableMovesService],
})
export class SessionsModule {}
