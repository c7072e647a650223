import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MenusModule } from '../menus/menus.module';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';
import { ShutdownState } from './shutdown-state';

/**
 * Terminus's own "Health Check has failed!" error line is off: a failed readiness probe is the probe's answer
 * (the 503 and its access-log line), and a dependency's outage is logged once by DependencyStatus.
 */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), MenusModule],
  controllers: [HealthController],
  providers: [ReadinessService, ShutdownState],
  exports: [ShutdownState],
})
export class HealthModule {}
