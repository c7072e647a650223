import { QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { translateConnectionFailure } from './connection-failure';

/** What TypeORM throws when the server answers a statement with this SQLSTATE. */
const queryError = (code: string): QueryFailedError =>
  new QueryFailedError('SELECT …', [], Object.assign(new Error(`SQLSTATE ${code}`), { code }));

describe('translateConnectionFailure', () => {
  const unavailable = {
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
    detail: 'a required dependency is unavailable; try again shortly',
    headers: { 'Retry-After': '1' },
  };

  it('answers 503 when the database connection is refused, lost or cannot be made in time', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(translateConnectionFailure(refused)).toEqual(unavailable);
    expect(translateConnectionFailure(new AggregateError([refused], ''))).toEqual(unavailable);
    expect(translateConnectionFailure(new Error('Connection terminated unexpectedly'))).toEqual(unavailable);
    expect(translateConnectionFailure(new Error('timeout exceeded when trying to connect'))).toEqual(
      unavailable,
    );
    expect(translateConnectionFailure(queryError('57P01'))).toEqual(unavailable);
    expect(translateConnectionFailure(queryError('57P03'))).toEqual(unavailable);
    expect(translateConnectionFailure(queryError('08006'))).toEqual(unavailable);
    const wrapped = new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly'));
    expect(translateConnectionFailure(wrapped)).toEqual(unavailable);
    expect(translateConnectionFailure(new Error('wrapped', { cause: refused }))).toEqual(unavailable);
    // The COMMIT of a transaction whose connection died under it (PostgreSQL shutting down).
    expect(translateConnectionFailure(new QueryRunnerAlreadyReleasedError())).toEqual(unavailable);
  });

  it('leaves a statement the server refused (a cancelled one) alone', () => {
    expect(translateConnectionFailure(queryError('57014'))).toBeUndefined();
    expect(translateConnectionFailure(new TypeError('x is undefined'))).toBeUndefined();
  });
});
