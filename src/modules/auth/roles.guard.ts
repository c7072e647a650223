import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Principal, Role, ROLES_KEY, RouteMetadata } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import { publicRoutes } from './jwt-auth.guard';

/** Global, after the JWT guard: enforces `@Auth(...roles)`. A route without roles admits every authenticated caller. */
@Injectable()
export class RolesGuard implements CanActivate {
  private readonly isPublic: RouteMetadata<boolean>;
  private readonly roles: RouteMetadata<Role[]>;

  constructor(reflector: Reflector) {
    this.isPublic = publicRoutes(reflector);
    this.roles = new RouteMetadata<Role[]>(reflector, ROLES_KEY);
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (this.isPublic.get(context) === true) return true;
    const roles = this.roles.get(context);
    if (!roles || roles.length === 0) return true;
    const user = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!user) throw AppError.unauthorized(ErrorCode.TOKEN_MISSING, 'an access token is required');
    if (!roles.includes(user.role))
      throw AppError.forbidden(`only ${roles.join(', ')} may use this endpoint`);
    return true;
  }
}
