/**
 * The token check of the raw baselines: what the application must do to a bearer token and nothing more, on
 * node:crypto alone. RS256 only (the header's `alg` must say so), the signature against the public key (derived
 * once from the app's DATA_DIR/keys/jwt-private.pem, `JWT_KEY_FILE`), then `exp`, `iss` and `aud`. The claims
 * come back for the caller to use; null is a 401.
 */
import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import * as fs from 'node:fs';

export interface RawClaims {
  role?: string;
  storeId?: string;
  tableId?: string;
  exp?: number;
  iss?: string;
  aud?: string | string[];
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

export function rawTokenVerifier(
  keyFile = process.env.JWT_KEY_FILE,
  issuer = process.env.JWT_ISSUER ?? 'table-order',
  audience = process.env.JWT_AUDIENCE ?? 'table-order-api',
): (authorization: string | undefined) => RawClaims | null {
  if (!keyFile) throw new Error('JWT_KEY_FILE (the app PEM private key) is required');
  const key = createPublicKey(createPrivateKey(fs.readFileSync(keyFile, 'utf8')));
  return (authorization) => {
    const parts = BEARER.exec(authorization ?? '');
    if (!parts) return null;
    const [, header, payload, signature] = parts;
    try {
      if ((JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string }).alg !== 'RS256')
        return null;
      const signed = Buffer.from(`${header}.${payload}`);
      if (!verify('sha256', signed, key, Buffer.from(signature, 'base64url'))) return null;
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as RawClaims;
      const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return null;
      if (claims.iss !== issuer || !audiences.includes(audience)) return null;
      return claims;
    } catch {
      return null;
    }
  };
}
