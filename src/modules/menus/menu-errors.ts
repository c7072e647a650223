import { AppError, ErrorCode } from '../../common/errors';

export const categoryNotFound = (): AppError =>
  AppError.notFound(ErrorCode.CATEGORY_NOT_FOUND, 'category not found');

/** Documented beside option create and update (the OpenAPI error notes of both controllers). */
export const DUPLICATE_OPTION_NAME = [
  ErrorCode.DUPLICATE_OPTION_NAME,
  'another option of the group has this name',
] as const;

export const menuNotFound = (): AppError => AppError.notFound(ErrorCode.MENU_NOT_FOUND, 'menu not found');

/** A reorder list must name exactly the current set: each id once, none missing, none foreign. */
export function assertSameIds(given: string[], current: string[], what: string): void {
  const known = new Set(current);
  const complete = given.length === current.length && new Set(given).size === given.length;
  if (!complete || !given.every((id) => known.has(id))) {
    throw AppError.validation([{ field: 'ids', message: `must list every ${what} exactly once` }]);
  }
}
