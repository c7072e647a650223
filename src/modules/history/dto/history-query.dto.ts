import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, ValidateBy, ValidationOptions } from 'class-validator';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Far beyond any real history; keeps OFFSET a sane integer. */
export const MAX_PAGE = 1_000_000;
/** The default window: today in the store's zone and the 6 days before it. */
export const DEFAULT_RANGE_DAYS = 7;

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for `YYYY-MM-DD` naming a day that exists (2026-02-30 and 2026-13-01 do not). */
const MIN_YEAR = 1970;
const MAX_YEAR = 9998;

export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // The service has existed since 2026; a year outside 1970-9998 is a typo, and keeping one day of headroom
  // below 9999 lets the range end (the next day's midnight) stay a valid instant.
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value) => isCalendarDate(value),
        defaultMessage: () => `must be an existing date formatted YYYY-MM-DD, year ${MIN_YEAR}-${MAX_YEAR}`,
      },
    },
    options,
  );
}

/** Query strings arrive as text: only plain digit strings become numbers, anything else fails @IsInt. */
const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

export class HistoryQueryDto {
  @ApiPropertyOptional({
    format: 'date',
    example: '2026-11-15',
    description:
      'First day (inclusive), YYYY-MM-DD in Asia/Seoul. Default: 6 days before `to`, so the default window is 7 days.',
  })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-11-21',
    description: 'Last day (inclusive), YYYY-MM-DD in Asia/Seoul. Default: today in Asia/Seoul.',
  })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}
