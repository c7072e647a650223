import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { loggerParams } from './common/http/logging';
import { RedisModule } from './common/redis/redis.module';
import { AppConfig, ConfigModule } from './config';
import { DatabaseModule } from './database/database.module';
import { AuthModule } from './modules/auth/auth.module';
import { EventsModule } from './modules/events/events.module';
import { HealthModule } from './modules/health/health.module';
import { HistoryModule } from './modules/history/history.module';
import { MenusModule } from './modules/menus/menus.module';
import { MetricsModule } from './modules/metrics/metrics.module';
import { OrdersModule } from './modules/orders/orders.module';
import { SessionsModule } from './modules/sessions/sessions.module';
import { StaffCallsModule } from './modules/staff-calls/staff-calls.module';
import { StoresModule } from './modules/stores/stores.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config)),
        DatabaseModule,
        RedisModule,
        MetricsModule,
        HealthModule,
        AuthModule,
        StoresModule,
        MenusModule,
        SessionsModule,
        StaffCallsModule,
        OrdersModule,
        HistoryModule,
        EventsModule,
      ],
    };
  }
}
