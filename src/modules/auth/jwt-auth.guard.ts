import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { TokenExpiredError } from 'jsonwebtoken';
import { ExtractJwt } from 'passport-jwt';
import { PUBLIC_KEY, RouteMetadata } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import { JwtStrategy } from './jwt.strategy';
import { verifiedClaims } from './verified-tokens';

const fromBearerHeader = ExtractJwt.fromAuthHeaderAsBearerToken();

/**
 * Global: every HTTP route needs a valid token unless it (or its controller) is @Public(). Puts the Principal
 * on `request.user`. Failures become API.md's codes: no token TOKEN_MISSING, expired TOKEN_EXPIRED,
 * anything else (signature, algorithm, issuer, audience, claims, revoked) INVALID_TOKEN.
 *
 * A token the rate-limit guard has just verified for this request (verified-tokens.ts: the same key and options,
 * RS256, issuer, audience, expiry) goes straight to the strategy's `validate` (claims, revocation), as passport
 * would hand it over after verifying, without passport's per-request middleware and callbacks; every other
 * request (no token, one that failed there) takes passport-jwt's full path and its errors.
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  private readonly isPublic: RouteMetadata<boolean>;

  constructor(
    reflector: Reflector,
    private readonly strategy: JwtStrategy,
  ) {
    super();
    this.isPublic = publicRoutes(reflector);
  }

  override canActivate(context: ExecutionContext) {
    // RabbitMQ consumers of the hybrid app pass through global guards too; they carry no token.
    if (context.getType() !== 'http') return true;
    if (this.isPublic.get(context) === true) return true;
    const req = context.switchToHttp().getRequest<Request & { user?: unknown }>();
    const claims = verifiedClaims(req, fromBearerHeader(req));
    if (!claims) return super.canActivate(context);
    return this.strategy.validate(claims).then(
      (principal) => {
        req.user = principal;
        return true;
      },
      (error: unknown) => this.handleRequest(error, false, undefined),
    );
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

/** `@Public()` of a route, read once per handler. */
export const publicRoutes = (reflector: Reflector): RouteMetadata<boolean> =>
  new RouteMetadata<boolean>(reflector, PUBLIC_KEY);
