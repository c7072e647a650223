import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { Public } from '../../common/auth';
import { RuntimeMetricsSampler } from './runtime-metrics.sampler';

/**
 * GET /metrics: public (Prometheus scrapes without a token; keep it off the public ingress, see infra/),
 * never throttled, and samples the database-backed gauges just before rendering.
 */
@ApiTags('operations')
@Public()
@SkipThrottle()
@Controller()
export class MetricsController extends PrometheusController {
  constructor(private readonly sampler: RuntimeMetricsSampler) {
    super();
  }

  @Get()
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'Prometheus text exposition format 0.0.4: `http_request_duration_seconds{method,route,status}`, ' +
      '`table_order_*` business and infrastructure metrics, and the default Node.js process metrics.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text format', schema: { type: 'string' } })
  override async index(@Res({ passthrough: true }) response: Response): Promise<string> {
    await this.sampler.sample();
    return (await super.index(response)) as string;
  }
}
