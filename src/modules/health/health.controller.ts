import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../../common/auth';
import { ErrorEnvelopeDto } from '../../common/errors';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  /** Liveness: the process serves HTTP. No dependency is checked, so a database outage never restarts pods. */
  @Get('live')
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every configured dependency answers within its timeout; otherwise 503 naming the failed check. */
  @Get('ready')
  @HealthCheck()
  @ApiServiceUnavailableResponse({
    type: ErrorEnvelopeDto,
    description: 'SERVICE_UNAVAILABLE; `checks` names each one',
  })
  ready() {
    return this.health.check([() => this.db.pingCheck('database', { timeout: 1500 })]);
  }
}
