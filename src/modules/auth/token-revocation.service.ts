import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { Principal } from '../../common/auth';
import { REDIS } from '../../common/redis/redis.module';
import { AuthRepository, PrincipalState } from './auth.repository';

export type RevocableKind = 'admin' | 'table';

/** How long this instance trusts a version it has read. Bounds the revocation delay on this instance. */
export const LOCAL_TTL_MS = 10_000;
/** How long a version read from the database is shared through Redis with the other instances. */
export const SHARED_TTL_SECONDS = 30;

/**
 * Token revocation without a database read per request. Tokens carry the principal's `token_version` (`ver`);
 * deactivating an admin or changing a table password bumps the column, and `forget` drops the cached copies.
 * An instance that cached the old version keeps it at most LOCAL_TTL_MS; the shared Redis copy is deleted by
 * `forget`, and even a copy re-read by a racing instance before the bump committed lives at most
 * SHARED_TTL_SECONDS, so every instance rejects a revoked token within LOCAL_TTL_MS + SHARED_TTL_SECONDS (< 60 s).
 */
@Injectable()
export class TokenRevocationService {
  private readonly logger = new Logger(TokenRevocationService.name);
  private readonly local = new Map<string, { state: PrincipalState | null; expiresAt: number }>();
  private readonly inFlight = new Map<string, Promise<PrincipalState | null>>();

  constructor(
    private readonly repository: AuthRepository,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  /** True while the token's version is the principal's current one and the principal still exists and is active. */
  async isCurrent(principal: Principal & { ver?: number }): Promise<boolean> {
    const ref = principalRef(principal);
    if (!ref || typeof principal.ver !== 'number') return false;
    const state = await this.state(ref.kind, ref.id);
    return state !== null && state.active && state.tokenVersion === principal.ver;
  }

  /** Call after the transaction that bumped the version (or deactivated the admin) committed. */
  async forget(kind: RevocableKind, id: string): Promise<void> {
    const key = cacheKey(kind, id);
    this.local.delete(key);
    if (!this.redis) return;
    try {
      await this.redis.del(key);
    } catch (error) {
      // The shared copy then expires on its own within SHARED_TTL_SECONDS, still inside the 60 s promise.
      this.logger.warn({ err: (error as Error).message, kind }, 'could not drop the shared token version');
    }
  }

  private async state(kind: RevocableKind, id: string): Promise<PrincipalState | null> {
    const key = cacheKey(kind, id);
    const cached = this.local.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.state;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.load(kind, id, key).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async load(kind: RevocableKind, id: string, key: string): Promise<PrincipalState | null> {
    let state = await this.readShared(key);
    if (state === undefined) {
      state = kind === 'admin' ? await this.repository.adminState(id) : await this.repository.tableState(id);
      await this.writeShared(key, state);
    }
    if (this.local.size > 50_000) this.local.clear();
    this.local.set(key, { state, expiresAt: Date.now() + LOCAL_TTL_MS });
    return state;
  }

  /** undefined: not cached (or Redis unreachable, in which case the database answers). */
  private async readShared(key: string): Promise<PrincipalState | null | undefined> {
    if (!this.redis) return undefined;
    try {
      const value = await this.redis.get(key);
      if (value === null) return undefined;
      if (value === 'gone') return null;
      const [version, active] = value.split(':');
      return { tokenVersion: Number(version), active: active === '1' };
    } catch {
      return undefined;
    }
  }

  private async writeShared(key: string, state: PrincipalState | null): Promise<void> {
    if (!this.redis) return;
    const value = state ? `${state.tokenVersion}:${state.active ? 1 : 0}` : 'gone';
    try {
      await this.redis.set(key, value, 'EX', SHARED_TTL_SECONDS);
    } catch {
      // Best effort: the next reader goes to the database.
    }
  }
}

function principalRef(p: Principal): { kind: RevocableKind; id: string } | null {
  if (p.role === 'table') return p.tableId ? { kind: 'table', id: p.tableId } : null;
  return p.adminId ? { kind: 'admin', id: p.adminId } : null;
}

function cacheKey(kind: RevocableKind, id: string): string {
  return `tokver:${kind}:${id}`;
}
