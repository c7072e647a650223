import { generateKeyPairSync } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { TokenExpiredError } from 'jsonwebtoken';
import { AccessTokenVerifier, rememberVerifiedToken, verifiedClaims } from './verified-tokens';

describe('AccessTokenVerifier', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const options = { algorithms: ['RS256' as const], issuer: 'iss', audience: 'aud' };
  const jwt = new JwtService({
    privateKey,
    publicKey,
    signOptions: { algorithm: 'RS256', issuer: 'iss', audience: 'aud', expiresIn: 60 },
    verifyOptions: options,
  });

  afterEach(() => jest.useRealTimers());

  it('verifies a token once and answers later calls from memory', () => {
    const verifier = new AccessTokenVerifier(jwt);
    const token = jwt.sign({ sub: 'table:1' });
    const spy = jest.spyOn(jwt, 'verify');
    const first = verifier.verify(token);
    expect(first.sub).toBe('table:1');
    expect(verifier.verify(token)).toBe(first);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });

  it('refuses a remembered token once it has expired', () => {
    jest.useFakeTimers({ now: Date.now() });
    const verifier = new AccessTokenVerifier(jwt);
    const token = jwt.sign({ sub: 'table:1' }, { expiresIn: 2 });
    expect(verifier.verify(token).sub).toBe('table:1');
    jest.setSystemTime(Date.now() + 2_000);
    expect(() => verifier.verify(token)).toThrow(TokenExpiredError);
  });

  it('never remembers a token that failed: each attempt is refused by jsonwebtoken', () => {
    const verifier = new AccessTokenVerifier(jwt);
    const otherIssuer = jwt.sign({ sub: 'table:1' }, { issuer: 'someone-else' });
    const spy = jest.spyOn(jwt, 'verify');
    expect(() => verifier.verify(otherIssuer)).toThrow(/issuer/);
    expect(() => verifier.verify(otherIssuer)).toThrow(/issuer/);
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });
});

describe('verified tokens per request', () => {
  it('hands the claims over only for the same request and the same token', () => {
    const req = {};
    rememberVerifiedToken(req, 'a.b.c', { sub: 'x' });
    expect(verifiedClaims(req, 'a.b.c')).toEqual({ sub: 'x' });
    expect(verifiedClaims(req, 'a.b.d')).toBeUndefined();
    expect(verifiedClaims(req, undefined)).toBeUndefined();
    expect(verifiedClaims({}, 'a.b.c')).toBeUndefined();
  });
});
