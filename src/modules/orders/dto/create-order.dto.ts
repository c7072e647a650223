import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ClosedSchema } from '../../../common/http/closed-schema.decorator';

export const MAX_LINE_NOTE = 100;
export const MAX_ORDER_NOTE = 200;
/** 10 groups of at most 20 choices: the most a line can validly carry. */
export const MAX_LINE_OPTIONS = 200;

/** C0 controls other than LF, and DEL: refused in notes (kitchen printers and tablets render them badly). */
// oxlint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;
// oxlint-disable-next-line no-control-regex -- matching control characters is the point
const NO_CONTROL = /^[^\u0000-\u0009\u000b-\u001f\u007f]*$/;

/**
 * Trimmed, blank meaning none (null). A note holding a refused control character is left as sent, so the
 * check below names it even where trimming would have removed it.
 */
const normalizeNote = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && !CONTROL.test(value) ? value.trim() || null : value;

/** UUIDs compare in lower case, as the database returns them. */
const lowerCaseIds = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value) ? value.map((id: unknown) => (typeof id === 'string' ? id.toLowerCase() : id)) : value;

const NOTE_CHARACTERS = { message: 'must not contain control characters other than line feed' };

@ClosedSchema()
export class OrderLineDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  menuId: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 100, example: 2 })
  @IsInt()
  @Min(1)
  @Max(100)
  quantity: number;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_LINE_OPTIONS,
    description:
      'none when left out; options of the groups this menu lists, each at most once, per group between its minSelect and maxSelect ' +
      '(a group left out counts as 0 chosen): else 400 OPTION_SELECTION_INVALID; unknown or foreign: 404 ' +
      'OPTION_NOT_FOUND; sold out: 409 OPTION_UNAVAILABLE',
    example: ['5021b1aa-af83-4f83-8253-6e7f8091a2b3', '0b7c3c55-5a3e-4a3e-9d0e-1f2a3b4c5d6e'],
  })
  @ValidateIf((o: OrderLineDto) => o.optionIds !== undefined)
  @Transform(lowerCaseIds)
  @IsArray()
  @ArrayMaxSize(MAX_LINE_OPTIONS)
  @IsUUID('all', { each: true })
  optionIds?: string[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: MAX_LINE_NOTE,
    example: '양파 빼주세요',
    description: 'for the kitchen; trimmed, blank means none; no control character other than LF',
  })
  @Transform(normalizeNote)
  @ValidateIf((o: OrderLineDto) => o.note !== undefined && o.note !== null)
  @IsString()
  @MaxLength(MAX_LINE_NOTE)
  @Matches(NO_CONTROL, NOTE_CHARACTERS)
  note?: string | null;
}

/** What makes two lines the same: menu, set of options and note. Anything else is returned as is (unique). */
function lineIdentity(line: unknown): unknown {
  const l = line as Partial<OrderLineDto> | null;
  if (typeof l?.menuId !== 'string') return line;
  const options = Array.isArray(l.optionIds) ? l.optionIds.map(String).sort().join(',') : '';
  return JSON.stringify([l.menuId.toLowerCase(), options, typeof l.note === 'string' ? l.note : '']);
}

@ClosedSchema()
export class CreateOrderDto {
  @ApiProperty({
    type: [OrderLineDto],
    minItems: 1,
    maxItems: 50,
    description:
      'the same menu may be on several lines with other options or another note; the same menu, options and ' +
      'note twice is 400 (raise the quantity instead)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique(lineIdentity, {
    message: 'must not contain the same menu twice with the same options and note (raise the quantity)',
  })
  // ValidateNested accepts an array as a line (`items: [[]]`) and validates nothing in it: each line must be an object.
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  items: OrderLineDto[];

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: MAX_ORDER_NOTE,
    example: '아이 의자 하나 부탁드려요',
    description: 'for the staff; trimmed, blank means none; no control character other than LF',
  })
  @Transform(normalizeNote)
  @ValidateIf((o: CreateOrderDto) => o.note !== undefined && o.note !== null)
  @IsString()
  @MaxLength(MAX_ORDER_NOTE)
  @Matches(NO_CONTROL, NOTE_CHARACTERS)
  note?: string | null;
}
