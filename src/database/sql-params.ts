/**
 * The parameters of one statement composed from fragments of several modules. A fragment adds the values it
 * needs and writes the placeholders it gets back, so no fragment knows where another's parameters are:
 * `const p = new SqlParams(); const sql = `… ${p.add(storeId, 'uuid')} …`; em.query(sql, p.values)`.
 * Placeholders follow the order of the calls, so the same composition always yields the same text (which
 * named prepared statements rely on).
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** The placeholder of a new parameter, with its cast when given (`$3::uuid`). */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}

/** A statement built from fragments, as `query(text, values)` takes it: `em.query(...statement((p) => …))`. */
export function statement(build: (p: SqlParams) => string): [string, unknown[]] {
  const p = new SqlParams();
  const text = build(p);
  return [text, p.values];
}
