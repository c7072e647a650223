import type { ExecutionContext, Type } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

/**
 * A route's metadata (`@Public()`, `@Auth(…)`, throttler decorators) read once per handler instead of on every
 * request: decorators run when the controller class is defined, so what Reflector finds for a handler never
 * changes afterwards. Keyed by handler and controller class, as Reflector looks them up (the handler's own
 * value wins over the class's).
 */
export class RouteMetadata<T> {
  private readonly cache = new WeakMap<Type, WeakMap<object, T | undefined>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly key: string,
  ) {}

  get(context: ExecutionContext): T | undefined {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.cache.get(controller);
    if (!byHandler) {
      byHandler = new WeakMap();
      this.cache.set(controller, byHandler);
    }
    if (byHandler.has(handler)) return byHandler.get(handler);
    const value = this.reflector.getAllAndOverride<T | undefined>(this.key, [handler, controller]);
    byHandler.set(handler, value);
    return value;
  }
}
