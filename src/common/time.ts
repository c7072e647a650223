/** API.md: the stores' time zone; business days (order numbers, history filters) are counted in it. */
export const STORE_TIME_ZONE = 'Asia/Seoul';

const dateFormatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: STORE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

const MINUTE_MS = 60_000;
let last = { minute: NaN, date: '' };

/**
 * The business day (YYYY-MM-DD in Asia/Seoul) that an instant falls on. Formatting with Intl costs microseconds
 * per call and every order asks; every UTC offset in use is a whole number of minutes, so a day never starts
 * within a minute and the last minute's answer holds for any instant in it.
 */
export function businessDate(at: Date = new Date()): string {
  const minute = Math.floor(at.getTime() / MINUTE_MS);
  if (minute !== last.minute) last = { minute, date: dateFormatter.format(at) };
  return last.date;
}
