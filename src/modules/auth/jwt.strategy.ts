import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Principal, Role } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import { AppConfig } from '../../config';
import { JwtKeys } from './jwt-keys';
import { TokenRevocationService } from './token-revocation.service';

const ROLES: readonly Role[] = ['table', 'admin', 'superadmin'];
const fromBearerHeader = ExtractJwt.fromAuthHeaderAsBearerToken();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Claims {
  sub?: unknown;
  role?: unknown;
  storeId?: unknown;
  tableId?: unknown;
  ver?: unknown;
  exp?: unknown;
}

/**
 * passport-jwt verifies the signature with the public key, RS256 only (so `alg: none` and HS256 tokens signed
 * with the public key as secret are refused), and checks `iss`, `aud` and `exp`. `validate` then turns the
 * claims into the Principal and refuses revoked tokens; JwtAuthGuard calls it directly for a token the
 * rate-limit guard already verified on the same request.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    keys: JwtKeys,
    config: AppConfig,
    private readonly revocation: TokenRevocationService,
  ) {
    super({
      jwtFromRequest: fromBearerHeader,
      // A KeyObject, parsed once (JwtKeys); the typings only list PEM text, which jsonwebtoken would re-parse per call.
      secretOrKey: keys.verificationKey as unknown as string,
      algorithms: ['RS256'],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ignoreExpiration: false,
    });
  }

  async validate(claims: Claims): Promise<Principal & { ver: number }> {
    const principal = toPrincipal(claims);
    if (!principal) throw invalidToken('token claims are malformed');
    if (!(await this.revocation.isCurrent(principal))) throw invalidToken('token has been revoked');
    return principal;
  }
}

/** The claims a token of each role must carry, with `sub` naming the same principal as the id claims. */
export function toPrincipal(claims: Claims): (Principal & { ver: number }) | null {
  const { sub, role, storeId, tableId, ver, exp } = claims;
  if (typeof sub !== 'string' || typeof role !== 'string' || !ROLES.includes(role as Role)) return null;
  if (typeof ver !== 'number' || !Number.isInteger(ver) || typeof exp !== 'number') return null;
  const [kind, id] = sub.split(':');
  if (kind !== role || !id || !UUID.test(id)) return null;
  const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);
  switch (role as Role) {
    case 'table':
      if (!isUuid(storeId) || tableId !== id) return null;
      return { role: 'table', storeId, tableId: id, exp, ver };
    case 'admin':
      if (!isUuid(storeId) || tableId !== undefined) return null;
      return { role: 'admin', storeId, adminId: id, exp, ver };
    case 'superadmin':
      if (storeId !== undefined || tableId !== undefined) return null;
      return { role: 'superadmin', adminId: id, exp, ver };
  }
}

function invalidToken(detail: string): AppError {
  return AppError.unauthorized(ErrorCode.INVALID_TOKEN, detail);
}
