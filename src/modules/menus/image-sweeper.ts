import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { MenusRepository } from './menus.repository';
import { IMAGE_STORAGE, type ImageStorage, type StoredImage } from './storage/image-storage';

/** How often each instance sweeps, and how old an unreferenced image must be before it is taken for an orphan. */
export const SWEEP_INTERVAL_MS = 6 * 3_600_000;
export const ORPHAN_AGE_MS = 3_600_000;
const BATCH = 500;

/**
 * Removes stored images no menu points at. An upload writes its files before the transaction that references them,
 * and a replaced image is deleted after its change commits, so a crash (or a failed delete) between the two leaves
 * an orphan: harmless, as nothing links to it, and removed here once it is older than ORPHAN_AGE_MS, far beyond
 * the seconds between an upload's write and its commit. Every instance sweeps on its own timer; two sweeps at once
 * are harmless (deletes are idempotent). The storage must belong to this deployment alone.
 */
@Injectable()
export class ImageSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ImageSweeper.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(IMAGE_STORAGE) private readonly storage: ImageStorage,
    private readonly repo: MenusRepository,
  ) {}

  onApplicationBootstrap(): void {
    // Spread over the interval, so replicas started together do not sweep together.
    const schedule = (delay: number): void => {
      this.timer = setTimeout(() => {
        void this.sweep()
          .catch((error: unknown) =>
            this.logger.warn(
              { err: error instanceof Error ? error.message : String(error) },
              'image sweep failed',
            ),
          )
          .finally(() => schedule(SWEEP_INTERVAL_MS));
      }, delay);
      this.timer.unref();
    };
    schedule(Math.floor(Math.random() * SWEEP_INTERVAL_MS));
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }

  /** One pass over the storage; returns how many images it looked at and removed. */
  async sweep(olderThanMs = ORPHAN_AGE_MS, now = new Date()): Promise<{ checked: number; removed: number }> {
    let checked = 0;
    let removed = 0;
    let batch: StoredImage[] = [];
    const flush = async (): Promise<void> => {
      const referenced = await this.repo.referencedImages(batch.map((i) => i.name));
      for (const image of batch) {
        if (referenced.has(image.name)) continue;
        await this.storage.remove(image.name);
        removed++;
      }
      batch = [];
    };
    for await (const image of this.storage.list()) {
      checked++;
      if (now.getTime() - image.modifiedAt.getTime() < olderThanMs) continue;
      batch.push(image);
      if (batch.length >= BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    if (removed > 0) this.logger.log({ checked, removed }, 'orphaned images removed');
    return { checked, removed };
  }
}
