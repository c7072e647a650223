import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MenusModule } from '../menus/menus.module';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';
import { ShutdownState } from './shutdown-state';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), MenusModule],
  controllers: [HealthController],
  providers: [ReadinessService, ShutdownState],
  exports: [ShutdownState],
})
export class HealthModule {}
