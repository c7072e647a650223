import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { RuntimeMetricsSampler } from './runtime-metrics.sampler';

/**
 * GET /metrics: public (Prometheus scrapes without a token; keep it off the public ingress, see infra/),
 * never throttled, and samples the database-backed gauges just before rendering.
 */
@ApiTags('operations')
@SkipThrottle()
@Controller()
export class MetricsController extends PrometheusController {
  constructor(private readonly sampler: RuntimeMetricsSampler) {
    super();
  }

  @Get()
  @Endpoint({
    operationId: 'getMetrics',
    auth: 'public',
    guarded: false,
    summary: 'Prometheus metrics',
    description:
      'Prometheus text exposition format 0.0.4: `http_request_duration_seconds{method,route,status}`, ' +
      '`table_order_*` business and infrastructure metrics, and the default Node.js process metrics.',
    success: {
      status: 200,
      description: 'Prometheus text format',
      content: { 'text/plain': { schema: { type: 'string' } } },
    },
  })
  override async index(@Res({ passthrough: true }) response: Response): Promise<string> {
    await this.sampler.sample();
    return (await super.index(response)) as string;
  }
}
