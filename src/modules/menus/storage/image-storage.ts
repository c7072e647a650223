/** Image file extensions the API stores, decided from the file's bytes (see image-type.ts). */
export type ImageExtension = 'jpg' | 'png' | 'webp';

/** Stored names are `<uuid>.<ext>` and nothing else, so a name can never reach outside the storage. */
export const IMAGE_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(jpg|png|webp)$/;

export const IMAGE_STORAGE = Symbol('IMAGE_STORAGE');

/**
 * Where menu images live. The local-disk implementation (DATA_DIR/uploads, served by this service at
 * `/uploads/<name>`) is the only one; an object-storage one (S3-compatible) would implement the same three
 * methods, `url` returning the bucket's or CDN's public URL, and be chosen once in MenusModule from config.
 */
export interface ImageStorage {
  /** Stores the bytes under a new `<uuid>.<ext>` name and returns that name. */
  save(data: Buffer, ext: ImageExtension): Promise<string>;
  /** Removes a stored image; removing a name that is not there is not an error. */
  remove(name: string): Promise<void>;
  /** The URL clients fetch the image from. */
  url(name: string): string;
}
