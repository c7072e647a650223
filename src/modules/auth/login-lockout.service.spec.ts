import { AppError } from '../../common/errors';
import {
  FallbackLockoutStore,
  FAILURE_WINDOW_MS,
  LOCK_MS,
  LoginLockoutService,
  MemoryLockoutStore,
} from './login-lockout.service';

describe('LoginLockoutService (in-process store)', () => {
  let now: number;
  let lockout: LoginLockoutService;

  beforeEach(() => {
    now = 1_000_000;
    lockout = new LoginLockoutService(new MemoryLockoutStore(() => now));
  });

  const fail = async (times: number): Promise<void> => {
    for (let i = 0; i < times; i++) await lockout.recordFailure('admin:demo:x');
  };

  it('locks on the fifth failure for 60 s, with Retry-After counting down', async () => {
    await fail(4);
    await expect(lockout.assertNotLocked('admin:demo:x')).resolves.toBeUndefined();
    await fail(1);
    const error = (await lockout.assertNotLocked('admin:demo:x').catch((e: unknown) => e)) as AppError;
    expect(error.status).toBe(429);
    expect(error.code).toBe('LOGIN_LOCKED');
    expect(error.options.headers).toEqual({ 'Retry-After': '60' });
    now += 45_500;
    const later = (await lockout.assertNotLocked('admin:demo:x').catch((e: unknown) => e)) as AppError;
    expect(later.options.headers).toEqual({ 'Retry-After': '15' });
  });

  it('unlocks after 60 s with a fresh count', async () => {
    await fail(5);
    now += LOCK_MS;
    await expect(lockout.assertNotLocked('admin:demo:x')).resolves.toBeUndefined();
    await fail(4);
    await expect(lockout.assertNotLocked('admin:demo:x')).resolves.toBeUndefined();
  });

  it('forgets failures older than the window', async () => {
    await fail(4);
    now += FAILURE_WINDOW_MS + 1;
    await fail(1);
    await expect(lockout.assertNotLocked('admin:demo:x')).resolves.toBeUndefined();
  });

  it('a reset clears the count', async () => {
    await fail(4);
    await lockout.reset('admin:demo:x');
    await fail(4);
    await expect(lockout.assertNotLocked('admin:demo:x')).resolves.toBeUndefined();
  });

  it('answers 503 when the store is unreachable', async () => {
    const broken = new LoginLockoutService({
      lockedFor: () => Promise.reject(new Error('ECONNREFUSED')),
      recordFailure: () => Promise.reject(new Error('ECONNREFUSED')),
      reset: () => Promise.reject(new Error('ECONNREFUSED')),
    });
    await expect(broken.assertNotLocked('k')).rejects.toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
  });

  it('keeps locking per instance while the shared store is unreachable', async () => {
    let down = true;
    const shared = new MemoryLockoutStore(() => now);
    const flaky = {
      lockedFor: (k: string) => (down ? Promise.reject(new Error('ECONNREFUSED')) : shared.lockedFor(k)),
      recordFailure: (k: string) =>
        down ? Promise.reject(new Error('ECONNREFUSED')) : shared.recordFailure(k),
      reset: (k: string) => (down ? Promise.reject(new Error('ECONNREFUSED')) : shared.reset(k)),
    };
    const degraded = new LoginLockoutService(
      new FallbackLockoutStore(flaky, new MemoryLockoutStore(() => now)),
    );
    await expect(degraded.assertNotLocked('k')).resolves.toBeUndefined();
    for (let i = 0; i < 5; i++) await degraded.recordFailure('k');
    await expect(degraded.assertNotLocked('k')).rejects.toMatchObject({ status: 429, code: 'LOGIN_LOCKED' });
    // Back on the shared store, which never saw those failures.
    down = false;
    await expect(degraded.assertNotLocked('k')).resolves.toBeUndefined();
    await degraded.recordFailure('k');
    expect(await shared.lockedFor('k')).toBe(0);
  });
});
