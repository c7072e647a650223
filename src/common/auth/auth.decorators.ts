import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal, Role } from './principal';

export const ROLES_KEY = 'auth:roles';
export const PUBLIC_KEY = 'auth:public';

/**
 * Restricts an endpoint to the given roles. The JWT and role guards are global (src/modules/auth), so every route
 * is authenticated unless marked @Public(). Routes take both through `@Endpoint` (common/http), which documents them.
 */
export const Auth = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** No token needed (logins, probes, metrics, uploads). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** The verified caller, as set on the request by the JWT guard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const request = ctx.switchToHttp().getRequest<{ user?: Principal }>();
  if (!request.user) throw new Error('CurrentPrincipal used on a route without authentication');
  return request.user;
});
