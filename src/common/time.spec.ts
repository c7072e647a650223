import { businessDate } from './time';

describe('businessDate', () => {
  it('is the date in Asia/Seoul (UTC+9), the day turning at 15:00 UTC, whatever was asked before', () => {
    expect(businessDate(new Date('2026-12-04T14:59:59.999Z'))).toBe('2026-12-04');
    expect(businessDate(new Date('2026-12-04T14:59:00.000Z'))).toBe('2026-12-04');
    expect(businessDate(new Date('2026-12-04T15:00:00.000Z'))).toBe('2026-12-05');
    expect(businessDate(new Date('2026-12-04T14:59:30.000Z'))).toBe('2026-12-04');
    expect(businessDate(new Date('2026-12-31T15:00:00.000Z'))).toBe('2027-01-01');
    expect(businessDate(new Date('2026-12-31T15:00:59.000Z'))).toBe('2027-01-01');
    expect(businessDate(new Date('2026-06-30T23:59:59.000Z'))).toBe('2026-07-01');
  });
});
