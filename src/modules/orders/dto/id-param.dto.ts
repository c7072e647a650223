import { IsUUID } from 'class-validator';

/** `:id` path parameter; a malformed id is a 400, a well-formed unknown one a 404. */
export class IdParamDto {
  @IsUUID()
  id: string;
}
