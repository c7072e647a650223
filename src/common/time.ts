/** API.md: the stores' time zone; business days (order numbers, history filters) are counted in it. */
export const STORE_TIME_ZONE = 'Asia/Seoul';

const dateFormatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: STORE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The business day (YYYY-MM-DD in Asia/Seoul) that an instant falls on. */
export function businessDate(at: Date = new Date()): string {
  return dateFormatter.format(at);
}
