import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { REDIS } from '../../common/redis/redis.module';
import { AppConfig } from '../../config';
import { DependencyStatus } from '../metrics/dependency-status';
import { AuthController } from './auth.controller';
import { AuthRepository } from './auth.repository';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtKeys } from './jwt-keys';
import { JwtStrategy } from './jwt.strategy';
import { LoginLockoutService, lockoutStoreProvider } from './login-lockout.service';
import { PasswordService } from './password.service';
import { RateLimitGuard, throttlerOptions } from './rate-limit.guard';
import { RolesGuard } from './roles.guard';
import { TokenRevocationService } from './token-revocation.service';
import { TokenService } from './token.service';
import { AccessTokenVerifier } from './verified-tokens';

/** Loaded once per process; shared by the signer, the strategy and the rate limiter's tracker. */
@Global()
@Module({
  providers: [
    { provide: JwtKeys, inject: [AppConfig], useFactory: (config: AppConfig) => JwtKeys.load(config) },
  ],
  exports: [JwtKeys],
})
class JwtKeysModule {}

/**
 * Logins, tokens and the global guards, in this order: rate limit (first, so requests with bad tokens count
 * too), JWT (Principal on request.user, @Public() skips), roles (@Auth(...roles)).
 */
@Module({
  imports: [
    JwtKeysModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [JwtKeys, AppConfig],
      useFactory: (keys: JwtKeys, config: AppConfig) => ({
        privateKey: keys.signingKey,
        publicKey: keys.verificationKey,
        signOptions: {
          algorithm: 'RS256',
          expiresIn: config.jwt.expiresInSeconds,
          issuer: config.jwt.issuer,
          audience: config.jwt.audience,
        },
        verifyOptions: {
          algorithms: ['RS256'],
          issuer: config.jwt.issuer,
          audience: config.jwt.audience,
        },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, REDIS, DependencyStatus],
      useFactory: (config: AppConfig, redis: Redis | null, dependencies: DependencyStatus) =>
        throttlerOptions(config, redis, dependencies),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthRepository,
    AuthService,
    PasswordService,
    TokenService,
    TokenRevocationService,
    LoginLockoutService,
    lockoutStoreProvider,
    JwtStrategy,
    AccessTokenVerifier,
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [TokenRevocationService, PasswordService, TokenService],
})
export class AuthModule {}
