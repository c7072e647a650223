import { getMetadataStorage } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type ValidationMetadata = Parameters<Storage['addValidationMetadata']>[0];
type Grouped = Record<string, ValidationMetadata[]>;

let installed = false;

/**
 * class-validator looks up a class's rules on every validation of every object, nested ones included: it filters
 * the class's metadata and walks every class that has rules to find its parents (`getTargetValidationMetadatas`),
 * then groups the result by property. For an order of three lines that is four lookups per request, each over
 * every DTO of the service. The rules of a class are fixed once its decorators have run, so both lookups are
 * remembered per class and per set of options, and forgotten whenever a rule is added (a class defined later).
 * What they return is only read by the validator.
 */
export function cacheValidationMetadata(): void {
  if (installed) return;
  installed = true;
  const storage: Storage = getMetadataStorage();
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  let byTarget = new Map<unknown, Map<string, ValidationMetadata[]>>();
  let grouped = new WeakMap<ValidationMetadata[], Grouped>();

  storage.addValidationMetadata = (metadata: ValidationMetadata): void => {
    byTarget = new Map();
    grouped = new WeakMap();
    add(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0000') ?? ''}`;
    let forTarget = byTarget.get(target);
    if (!forTarget) {
      forTarget = new Map();
      byTarget.set(target, forTarget);
    }
    let found = forTarget.get(key);
    if (!found) {
      found = lookup(target, schema, always, strictGroups, groups);
      forTarget.set(key, found);
    }
    return found;
  };
  storage.groupByPropertyName = (metadata: ValidationMetadata[]): Grouped => {
    let found = grouped.get(metadata);
    if (!found) {
      found = group(metadata);
      grouped.set(metadata, found);
    }
    return found;
  };
}
