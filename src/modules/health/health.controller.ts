import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck } from '@nestjs/terminus';
import type { HealthCheckResult } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../../common/auth';
import { ErrorEnvelopeDto } from '../../common/errors';
import { ReadinessService } from './readiness.service';

@ApiTags('operations')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** Liveness: the process serves HTTP. No dependency is checked, so a database outage never restarts pods. */
  @Get('live')
  @ApiOperation({
    summary: 'Liveness probe',
    description: 'Always 200 while the process serves HTTP; checks no dependency.',
  })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: { status: { type: 'string', enum: ['ok'] } },
      required: ['status'],
      example: { status: 'ok' },
    },
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every configured dependency answers within its timeout; otherwise 503 naming the failed check. */
  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Readiness probe',
    description:
      'Checks `database` always, `redis` when REDIS_URL is set, `rabbitmq` when RABBITMQ_URL is set and ' +
      '`storage` (the image bucket) when IMAGE_STORAGE=s3, each ' +
      'within 1.5 s, and `shutdown` (down once SIGTERM was received). 503 when any is down.',
  })
  @ApiOkResponse({
    description: 'every check is up',
    schema: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['ok'] },
        info: { type: 'object', additionalProperties: true },
        error: { type: 'object', additionalProperties: true },
        details: { type: 'object', additionalProperties: true },
      },
      example: {
        status: 'ok',
        info: { database: { status: 'up' } },
        error: {},
        details: { database: { status: 'up' } },
      },
    },
  })
  @ApiServiceUnavailableResponse({
    type: ErrorEnvelopeDto,
    description:
      'SERVICE_UNAVAILABLE: `detail` names the failed checks and `checks` holds the state of each, e.g. ' +
      '`{"redis": {"status": "down", "message": "timeout of 1500ms exceeded"}}`',
  })
  ready(): Promise<HealthCheckResult> {
    return this.readiness.check();
  }
}
