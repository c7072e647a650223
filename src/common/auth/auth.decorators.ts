import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorEnvelopeDto } from '../errors';
import type { Principal, Role } from './principal';

export const ROLES_KEY = 'auth:roles';
export const PUBLIC_KEY = 'auth:public';

/**
 * Restricts an endpoint (or a controller) to the given roles and documents it: bearer auth, 401 and 403.
 * The JWT and role guards are global (src/modules/auth), so every route is authenticated unless marked @Public().
 */
export function Auth(...roles: Role[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({
      type: ErrorEnvelopeDto,
      description: 'TOKEN_MISSING, TOKEN_EXPIRED or INVALID_TOKEN',
    }),
    ApiForbiddenResponse({
      type: ErrorEnvelopeDto,
      description: `INSUFFICIENT_PERMISSIONS: only ${roles.join(', ')}`,
    }),
  );
}

/** No token needed (logins, probes, metrics, uploads). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/** The verified caller, as set on the request by the JWT guard. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const request = ctx.switchToHttp().getRequest<{ user?: Principal }>();
  if (!request.user) throw new Error('CurrentPrincipal used on a route without authentication');
  return request.user;
});
