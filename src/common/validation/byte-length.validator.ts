import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * A string whose UTF-8 encoding is between `min` and `max` bytes. bcrypt reads only the first 72 bytes of a
 * password, so lengths are checked in bytes (a 30-character Korean password is 90 bytes), and a longer one
 * is refused rather than silently truncated.
 */
export function ByteLength(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'byteLength',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [min, max],
      options: { message: `must be between ${min} and ${max} bytes (UTF-8)`, ...options },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string') return false;
          const bytes = Buffer.byteLength(value, 'utf8');
          return bytes >= min && bytes <= max;
        },
      },
    });
  };
}
