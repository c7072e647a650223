import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { StaffCallEntity } from './entities/staff-call.entity';
import { AdminStaffCallsController } from './admin-staff-calls.controller';
import { StaffCallsController } from './staff-calls.controller';
import { StaffCallsRepository } from './staff-calls.repository';
import { StaffCallsService } from './staff-calls.service';

/** Exports its repository and service: 이용 완료, moves and merges resolve and move a table's calls. */
@Module({
  imports: [TypeOrmModule.forFeature([StaffCallEntity]), EventsModule],
  controllers: [StaffCallsController, AdminStaffCallsController],
  providers: [StaffCallsRepository, StaffCallsService],
  exports: [StaffCallsRepository, StaffCallsService],
})
export class StaffCallsModule {}
