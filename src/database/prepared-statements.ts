import { createHash } from 'node:crypto';
import * as pg from 'pg';

/** The comment that marks a statement for preparation; PostgreSQL and PGlite read it as a comment. */
const MARK = '/* prepared */ ';

/**
 * Marks a hot statement to be sent as a named prepared statement on PostgreSQL: each pooled connection parses
 * and plans it once and then only binds and executes it. For the large CTE statements of an order placement
 * that parse-and-plan is most of the database's CPU per order (about 2.4 ms against 1.1 ms prepared, measured
 * with bench/orders.bench.ts). Only statements whose text is one of a few fixed variants may be marked:
 * every distinct text becomes a statement kept on every connection for its lifetime.
 * On PGlite the mark is just a comment.
 */
export const prepared = (sql: string): string => MARK + sql;

const names = new Map<string, string>();

/** The statement name of a marked text: derived from the text, so every connection names it alike. */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `p_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/** A `pg` client that sends marked statements as named ones and everything else as it is. */
class PreparingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    this.query = ((text: unknown, values?: unknown, callback?: unknown) =>
      typeof text === 'string' && text.startsWith(MARK) && Array.isArray(values)
        ? query({ name: statementName(text), text, values }, callback)
        : query(text, values, callback)) as pg.Client['query'];
  }
}

/** A pool of PreparingClient connections. */
class PreparingPool extends pg.Pool {
  constructor(options?: pg.PoolConfig) {
    super({ ...options, Client: PreparingClient });
  }
}

/**
 * What TypeORM's PostgreSQL driver takes from the `pg` module (its `driver` option): the pool class, and the
 * defaults it adjusts (parseInputDatesAsUTC); `pg` itself keeps everything else, type parsers included.
 */
export const preparingPg = {
  Pool: PreparingPool,
  Client: PreparingClient,
  defaults: pg.defaults,
  types: pg.types,
};
