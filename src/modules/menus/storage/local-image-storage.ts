import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config';
import { IMAGE_NAME, ImageExtension, ImageStorage } from './image-storage';

/** Images on the local disk under DATA_DIR/uploads, served by UploadsController at `/uploads/<name>`. */
@Injectable()
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
    await fs.writeFile(temp, data);
    await fs.rename(temp, path.join(this.dir, name));
    return name;
  }

  async remove(name: string): Promise<void> {
    const file = this.pathOf(name);
    if (file) await fs.rm(file, { force: true });
  }

  url(name: string): string {
    return `/uploads/${name}`;
  }

  /** The file of a stored name, or null for anything that is not `<uuid>.<jpg|png|webp>` (no traversal). */
  pathOf(name: string): string | null {
    return IMAGE_NAME.test(name) ? path.join(this.dir, name) : null;
  }
}
