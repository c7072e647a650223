import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Principal, Role, ROLES_KEY } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import { isPublic } from './jwt-auth.guard';

/** Global, after the JWT guard: enforces `@Auth(...roles)`. A route without roles admits every authenticated caller. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (isPublic(this.reflector, context)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles || roles.length === 0) return true;
    const user = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!user) throw AppError.unauthorized(ErrorCode.TOKEN_MISSING, 'an access token is required');
    if (!roles.includes(user.role))
      throw AppError.forbidden(`only ${roles.join(', ')} may use this endpoint`);
    return true;
  }
}
