import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrderHistoryEntity } from './entities/order-history.entity';
import { SessionHistoryEntity } from './entities/session-history.entity';
import { HistoryController } from './history.controller';
import { HistoryRepository } from './history.repository';
import { HistoryService } from './history.service';

@Module({
  imports: [TypeOrmModule.forFeature([SessionHistoryEntity, OrderHistoryEntity])],
  controllers: [HistoryController],
  providers: [HistoryService, HistoryRepository],
  exports: [TypeOrmModule],
})
export class HistoryModule {}
