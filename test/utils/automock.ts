/**
 * A fake of `T` for a unit test's edge: every method is a `jest.fn()`, made on first use, so a test only writes
 * the behaviour it relies on (`repo.findMenu.mockResolvedValue(row)`), and the fake still has the type of what
 * it stands in for. `implementation` gives some members up front (plain values, functions, or an in-memory fake
 * object whose methods keep state); they are used as they are, not wrapped.
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
      if (key in own) return own[key];
      if (key === 'then' || typeof key === 'symbol') return undefined;
      let fn = made.get(key);
      if (!fn) {
        fn = jest.fn();
        made.set(key, fn);
      }
      return fn;
    },
  });
  return fake as jest.Mocked<T>;
}
