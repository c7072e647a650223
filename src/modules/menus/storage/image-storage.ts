/** Image file extensions the API stores, decided from the file's bytes (see image-type.ts). */
export type ImageExtension = 'jpg' | 'png' | 'webp';

/** Stored names are `<uuid>.<ext>` and nothing else, so a name can never reach outside the storage. */
export const IMAGE_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(jpg|png|webp)$/;

/** API.md: a stored name's content never changes, so every cache may keep it for a year. */
export const IMAGE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export const IMAGE_STORAGE = Symbol('IMAGE_STORAGE');

/** One stored image, as the orphan sweep sees it. */
export interface StoredImage {
  name: string;
  modifiedAt: Date;
}

/**
 * Where menu images live, chosen once in MenusModule from IMAGE_STORAGE: the local disk (DATA_DIR/uploads, served
 * by this service at `/uploads/<name>`) or an S3-compatible bucket (served by the bucket or its CDN).
 */
export interface ImageStorage {
  /**
   * Stores the bytes under a new `<uuid>.<ext>` name and returns that name. Resolves only once the object is
   * durably there, so a menu row may point at it; rejects (and leaves nothing readable) when it cannot be.
   */
  save(data: Buffer, ext: ImageExtension): Promise<string>;
  /** Removes a stored image; removing a name that is not there is not an error. */
  remove(name: string): Promise<void>;
  /** The URL clients fetch the image from. */
  url(name: string): string;
  /** Every stored image, for the orphan sweep. */
  list(): AsyncIterable<StoredImage>;
  /** The file of a name on this machine's disk, when this storage is served by the service itself. */
  localFile?(name: string): string | null;
  /** Throws when the storage cannot be reached (a readiness check); absent when it is this machine's disk. */
  check?(signal: AbortSignal): Promise<void>;
}
