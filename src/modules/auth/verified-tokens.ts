import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

/** Bounds the memory of the cache: about 1 KB per token, so a few MB at most. */
const MAX_CACHED_TOKENS = 10_000;

/**
 * Verifies access tokens with JwtService (RS256 only, issuer, audience, expiry, as configured in AuthModule) and
 * remembers the tokens that passed, so the RSA signature and the claims of a token a tablet sends thousands of
 * times are checked once, not once per request. Sound because verification is a pure function of the token text
 * and the key (fixed for the life of the process), except for the clock: a remembered token is used only while
 * `Date.now() < exp * 1000`, jsonwebtoken's own expiry rule, and verified again (and refused) after. Only tokens
 * that verified are kept, so garbage cannot fill the cache; refusals always come from jsonwebtoken with its error.
 * Revocation is not a property of the token and is checked per request (TokenRevocationService).
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly cache = new Map<string, { claims: object; validUntil: number }>();

  constructor(private readonly jwt: JwtService) {}

  /** The token's claims; throws what JwtService.verify throws when it does not verify. */
  verify(token: string): Readonly<Record<string, unknown>> {
    const now = Date.now();
    const hit = this.cache.get(token);
    if (hit && now < hit.validUntil) return hit.claims as Record<string, unknown>;
    if (hit) this.cache.delete(token);
    const claims = Object.freeze(this.jwt.verify<Record<string, unknown>>(token));
    if (typeof claims.exp === 'number') {
      if (this.cache.size >= MAX_CACHED_TOKENS) {
        // Map iteration is insertion order: drop the oldest.
        this.cache.delete(this.cache.keys().next().value as string);
      }
      this.cache.set(token, { claims, validUntil: claims.exp * 1000 });
    }
    return claims;
  }
}

/**
 * Tokens the rate-limit guard has just verified, per request. The JWT strategy runs on the same request a moment
 * later with the same key and options; it takes the claims from here instead of verifying the token a second
 * time. Only successes are kept, so every refusal still comes from passport-jwt with its own error. A WeakMap,
 * not a request property: the claims never reach a log line or a serializer, and they go with the request.
 */
const verified = new WeakMap<object, { token: string; claims: object }>();

export function rememberVerifiedToken(req: object, token: string, claims: object): void {
  verified.set(req, { token, claims });
}

/** The claims of `token` if it is the one verified for this very request. */
export function verifiedClaims(req: object, token: string | null | undefined): object | undefined {
  const entry = verified.get(req);
  return entry !== undefined && token && entry.token === token ? entry.claims : undefined;
}
