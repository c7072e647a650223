import { getMetadataStorage, ValidationTypes, type ValidationArguments } from 'class-validator';

type Storage = ReturnType<typeof getMetadataStorage>;
type Metadata = Parameters<Storage['addValidationMetadata']>[0];
type Constraint = ReturnType<Storage['getTargetValidatorConstraints']>[number];
type Check = (object: Record<string, unknown>) => boolean;

interface PropertyRules {
  property: string;
  conditions: Array<(object: object, value: unknown) => boolean>;
  constraints: Array<{ metadata: Metadata; constraint: Constraint }>;
  nested: boolean;
}

/**
 * Per class: its compiled check, or null when it has a rule this file does not compile (the validator decides).
 * A class's rules are complete once its decorators have run, which is before any instance of it exists.
 */
const checks = new Map<unknown, Check | null>();

/**
 * Whether class-validator would find nothing wrong with `object` (an instance class-transformer built), decided
 * by the same constraint functions class-validator calls, without building its error tree. False means "not
 * sure": the caller then runs class-validator, which finds the errors and words them, so a false here only costs
 * time. Compiled once per class from the class-validator metadata of its decorators, it follows
 * `ValidationExecutor` for the options of the service's pipe (whitelist, forbidNonWhitelisted,
 * forbidUnknownValues; no groups, nothing skipped): an unknown property, a `ValidateIf` that says skip, each
 * constraint (`each` over an array's items), and nested objects and arrays of objects checked by their own class.
 * A class with a rule outside that (async constraints, promises, groups, `always`) is never compiled.
 */
export function passesCompiledCheck(object: unknown): boolean {
  if (object === null || typeof object !== 'object') return false;
  const target: unknown = object.constructor;
  let check = checks.get(target);
  if (check === undefined) {
    check = compile(target as new () => object);
    checks.set(target, check);
  }
  return check !== null && check(object as Record<string, unknown>);
}

function compile(target: new () => object): Check | null {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(target, '', false, false, undefined);
  // No rules at all: forbidUnknownValues refuses the value, which the validator says in its own words.
  if (metadatas.length === 0) return null;
  const grouped = storage.groupByPropertyName(metadatas);
  const allowed = new Set<string>();
  const properties: PropertyRules[] = [];
  for (const [property, list] of Object.entries(grouped)) {
    if (list.length === 0) continue;
    allowed.add(property);
    const rules: PropertyRules = { property, conditions: [], constraints: [], nested: false };
    for (const metadata of list) {
      if (metadata.groups?.length || metadata.always) return null;
      switch (metadata.type) {
        case ValidationTypes.WHITELIST:
          break;
        case ValidationTypes.CONDITIONAL_VALIDATION:
          rules.conditions.push(metadata.constraints[0] as PropertyRules['conditions'][number]);
          break;
        case ValidationTypes.NESTED_VALIDATION:
          rules.nested = true;
          break;
        case ValidationTypes.CUSTOM_VALIDATION:
        case ValidationTypes.IS_DEFINED:
          for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) {
            if (constraint.async) return null;
            rules.constraints.push({ metadata, constraint });
          }
          break;
        default:
          return null;
      }
    }
    properties.push(rules);
  }
  return (object) => {
    for (const key of Object.keys(object)) if (!allowed.has(key)) return false;
    for (const rules of properties) {
      const value = object[rules.property];
      if (!rules.conditions.every((condition) => condition(object, value))) continue;
      // class-validator applies `each` to a Set's or Map's items too; those are left to it.
      if (rules.constraints.length > 0 && (value instanceof Set || value instanceof Map)) return false;
      for (const { metadata, constraint } of rules.constraints) {
        if (metadata.validateIf && !metadata.validateIf(object, value)) continue;
        const args: ValidationArguments = {
          targetName: object.constructor?.name,
          property: metadata.propertyName,
          object,
          value,
          constraints: metadata.constraints,
        };
        const items = metadata.each && Array.isArray(value) ? (value as unknown[]) : [value];
        // every() skips the holes of a sparse array, as class-validator's map() does.
        if (!items.every((item) => constraint.instance.validate(item, args) === true)) return false;
      }
      if (rules.nested && !nestedPasses(value)) return false;
    }
    return true;
  };
}

/** ValidateNested: nothing, an object checked by its own class, or an array of those (holes skipped). */
function nestedPasses(value: unknown): boolean {
  if (value === undefined) return true;
  if (value instanceof Set || value instanceof Map) return false;
  if (Array.isArray(value)) return value.every(nestedPasses);
  return value instanceof Object && passesCompiledCheck(value);
}
