/**
 * A fake of `T` for a unit test's edge: every method is a `jest.fn()`, made on first use, so a test only writes
 * the behaviour it relies on (`repo.findMenu.mockResolvedValue(row)`), and the fake still has the type of what
 * it stands in for. `implementation` gives members up front: plain values, functions, or an in-memory fake
 * object whose methods keep state. Its methods are wrapped in `jest.fn()` too (run with `this` the
 * implementation), so the type `jest.Mocked<T>` holds for every member, and a test can still override one.
 *
 * The fake is not a thenable (`then` is undefined), so it can be returned from an async function or awaited.
 */
export function createMock<T extends object>(implementation: Partial<T> = {}): jest.Mocked<T> {
  const made = new Map<PropertyKey, jest.Mock>();
  // The implementation itself is the target (not a copy), so that the methods of a fake class are found on its
  // prototype and see its fields through `this`.
  const target = implementation as Record<PropertyKey, unknown>;
  const fake = new Proxy(target, {
    get(own, key) {
      const value = key in own ? own[key] : undefined;
      if (key in own && typeof value !== 'function') return value;
      if (key === 'then' || typeof key === 'symbol') return value;
      let fn = made.get(key);
      if (!fn) {
        fn =
          typeof value === 'function'
            ? jest.fn((...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(own, args))
            : jest.fn();
        made.set(key, fn);
      }
      return fn;
    },
  });
  return fake as jest.Mocked<T>;
}
