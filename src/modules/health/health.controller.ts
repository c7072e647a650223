import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck } from '@nestjs/terminus';
import type { HealthCheckResult } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { ErrorCode } from '../../common/errors';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { ReadinessService } from './readiness.service';

@ApiTags('operations')
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  /** Liveness: the process serves HTTP. No dependency is checked, so a database outage never restarts pods. */
  @Get('live')
  @Endpoint({
    operationId: 'getLiveness',
    auth: 'public',
    guarded: false,
    summary: 'Liveness probe',
    description: 'Always 200 while the process serves HTTP; checks no dependency.',
    success: {
      status: 200,
      description: 'the process serves',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: { status: { type: 'string', enum: ['ok'] } },
            required: ['status'],
            example: { status: 'ok' },
          },
        },
      },
    },
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every configured dependency answers within its timeout; otherwise 503 naming the failed check. */
  @Get('ready')
  @HealthCheck({ swaggerDocumentation: false })
  @Endpoint({
    operationId: 'getReadiness',
    auth: 'public',
    guarded: false,
    summary: 'Readiness probe',
    description:
      'Checks `database` always, `redis` when REDIS_URL is set, `rabbitmq` when RABBITMQ_URL is set and ' +
      '`storage` (the image bucket) when IMAGE_STORAGE=s3, each ' +
      'within 1.5 s, and `shutdown` (down once SIGTERM was received). 503 when any is down.',
    success: {
      status: 200,
      description: 'every check is up',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['ok'] },
              info: { type: 'object', additionalProperties: true },
              error: { type: 'object', additionalProperties: true },
              details: { type: 'object', additionalProperties: true },
            },
            required: ['status'],
            example: {
              status: 'ok',
              info: { database: { status: 'up' } },
              error: {},
              details: { database: { status: 'up' } },
            },
          },
        },
      },
    },
    errors: [
      [
        ErrorCode.SERVICE_UNAVAILABLE,
        '`detail` names the failed checks and `checks` holds the state of each, e.g. ' +
          '`{"redis": {"status": "down", "message": "timeout of 1500ms exceeded"}}`',
      ],
    ],
  })
  ready(): Promise<HealthCheckResult> {
    return this.readiness.check();
  }
}
