/**
 * The SET list of a partial UPDATE: `column = $n` for each field of `patch` that is defined (its value appended
 * to `params`, so n follows the parameters already there), then `updated_at = now()`. Column names come from the
 * repository's fixed map, never from the patch.
 */
export function updateSets<P extends object>(
  patch: P,
  columns: Record<keyof P, string>,
  params: unknown[],
): string {
  const sets: string[] = [];
  for (const [field, column] of Object.entries(columns) as Array<[keyof P, string]>) {
    if (patch[field] === undefined) continue;
    params.push(patch[field]);
    sets.push(`${column} = $${params.length}`);
  }
  sets.push('updated_at = now()');
  return sets.join(', ');
}
