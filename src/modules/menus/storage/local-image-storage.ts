import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AppConfig } from '../../../config';
import { IMAGE_NAME, ImageExtension, ImageStorage, StoredImage } from './image-storage';

/** Images on the local disk under DATA_DIR/uploads, served by UploadsController at `/uploads/<name>`. */
export class LocalImageStorage implements ImageStorage {
  readonly dir: string;

  constructor(config: AppConfig) {
    this.dir = config.uploadsDir;
  }

  async save(data: Buffer, ext: ImageExtension): Promise<string> {
    const name = `${randomUUID()}.${ext}`;
    await fs.mkdir(this.dir, { recursive: true });
    // Written beside its final name then renamed, so a reader never sees half a file.
    const temp = path.join(this.dir, `.${name}.tmp`);
    try {
      await fs.writeFile(temp, data);
      await fs.rename(temp, path.join(this.dir, name));
    } catch (error) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
    return name;
  }

  async remove(name: string): Promise<void> {
    const file = this.localFile(name);
    if (file) await fs.rm(file, { force: true });
  }

  url(name: string): string {
    return `/uploads/${name}`;
  }

  async *list(): AsyncIterable<StoredImage> {
    const entries = await fs.readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    for (const name of entries) {
      if (!IMAGE_NAME.test(name)) continue;
      const stat = await fs.stat(path.join(this.dir, name)).catch(() => null);
      if (stat?.isFile()) yield { name, modifiedAt: stat.mtime };
    }
  }

  /** The file of a stored name, or null for anything that is not `<uuid>.<jpg|png|webp>` (no traversal). */
  localFile(name: string): string | null {
    return IMAGE_NAME.test(name) ? path.join(this.dir, name) : null;
  }
}
