import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { TokenExpiredError } from 'jsonwebtoken';
import { PUBLIC_KEY } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';

/**
 * Global: every HTTP route needs a valid token unless it (or its controller) is @Public(). Puts the Principal
 * on `request.user`. Failures become API.md's codes: no token TOKEN_MISSING, expired TOKEN_EXPIRED,
 * anything else (signature, algorithm, issuer, audience, claims, revoked) INVALID_TOKEN.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    // RabbitMQ consumers of the hybrid app pass through global guards too; they carry no token.
    if (context.getType() !== 'http') return true;
    if (isPublic(this.reflector, context)) return true;
    return super.canActivate(context);
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown): T {
    if (err) {
      if (err instanceof AppError) throw err;
      throw AppError.unavailable('the token could not be checked');
    }
    if (user) return user;
    if (info instanceof TokenExpiredError) {
      throw AppError.unauthorized(ErrorCode.TOKEN_EXPIRED, 'the access token has expired');
    }
    if (info instanceof Error && info.message === 'No auth token') {
      throw AppError.unauthorized(
        ErrorCode.TOKEN_MISSING,
        'an access token is required (Authorization: Bearer …)',
      );
    }
    throw AppError.unauthorized(ErrorCode.INVALID_TOKEN, 'the access token is invalid');
  }
}

export function isPublic(reflector: Reflector, context: ExecutionContext): boolean {
  return (
    reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]) === true
  );
}
