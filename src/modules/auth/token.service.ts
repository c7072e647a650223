import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Role } from '../../common/auth';
import { AppConfig } from '../../config';

/** The claims this service signs (API.md, Auth); `iss`, `aud`, `iat` and `exp` are added when signing. */
export interface TokenClaims {
  sub: string;
  role: Role;
  storeId?: string;
  tableId?: string;
  /** The principal's token_version at login; a bump revokes the token (TokenRevocationService). */
  ver: number;
}

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  async issue(claims: TokenClaims): Promise<IssuedToken> {
    const payload: Record<string, unknown> = { sub: claims.sub, role: claims.role, ver: claims.ver };
    if (claims.storeId) payload.storeId = claims.storeId;
    if (claims.tableId) payload.tableId = claims.tableId;
    const accessToken = await this.jwt.signAsync(payload);
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.jwt.expiresInSeconds };
  }
}
