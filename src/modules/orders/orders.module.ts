import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { MenusModule } from '../menus/menus.module';
import { AdminOrdersController } from './admin-orders.controller';
import { IdempotencyKeyEntity } from './entities/idempotency-key.entity';
import { OrderDeletionEntity } from './entities/order-deletion.entity';
import { OrderItemEntity } from './entities/order-item.entity';
import { OrderEntity } from './entities/order.entity';
import { OrderPlacementService } from './order-placement.service';
import { OrdersController } from './orders.controller';
import { IdempotencyKeysRepository } from './idempotency-keys.repository';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([OrderEntity, OrderItemEntity, OrderDeletionEntity, IdempotencyKeyEntity]),
    EventsModule,
    MenusModule,
  ],
  controllers: [OrdersController, AdminOrdersController],
  providers: [OrdersRepository, IdempotencyKeysRepository, OrderPlacementService, OrdersService],
})
export class OrdersModule {}
