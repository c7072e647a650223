import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { Injectable, Logger } from '@nestjs/common';
import sharp from 'sharp';
import { AppError, ErrorCode } from '../../common/errors';
import { AppConfig } from '../../config';
import type { ImageExtension } from './storage/image-storage';
import { detectImageType } from './storage/image-type';

/** API.md: the display image's longest side is min(1600 px, the original's); the thumbnail's min(300 px, …). */
export const DISPLAY_MAX_SIDE = 1600;
export const THUMBNAIL_MAX_SIDE = 300;
/**
 * Decoding stops at this many pixels (about 8660 × 5770; a 48 MP phone photo is 8064 × 6048), so a small file
 * that declares a huge canvas (a decompression bomb) is refused before libvips allocates for it.
 */
export const MAX_INPUT_PIXELS = 50_000_000;

export interface ProcessedImage {
  display: { data: Buffer; ext: ImageExtension };
  thumbnail: { data: Buffer; ext: 'webp' };
}

// One libvips thread per image and no operation cache: an instance's image work is bounded by
// IMAGE_PROCESSING_CONCURRENCY threads, leaving the other cores to the event loop and PostgreSQL.
sharp.concurrency(1);
sharp.cache(false);

/**
 * libvips' worker threads do the pixel work, and on Linux scheduling is per thread: each one is lowered the first
 * time it is seen, to niceness 19 at once (`os.setPriority`) and then to the SCHED_IDLE policy by util-linux's
 * `chrt` (Node has no `sched_setscheduler`; the runtime image, Debian's, has util-linux). A SCHED_IDLE thread runs
 * only on a core nothing else wants, and a request that wakes the event loop takes the core from it at once: on a
 * busy node uploads take longer rather than tablets' reads slowing down. Niceness alone was not enough: at 10, and
 * at 19, libvips kept about 0.7 of a core of two while 4 uploads ran, the event loop waited behind it, and reads fell
 * to 59-68 % of their rate without uploads; as SCHED_IDLE, 74-80 % (bench/README.md, "Menu image uploads").
 */
const IMAGE_THREAD_NICENESS = 19;
const lowered = new Set<number>();
const logger = new Logger('ImageProcessor');
let chrtUnavailable = false;

function deprioritizeImageThreads(): void {
  let tasks: string[];
  try {
    tasks = fs.readdirSync('/proc/self/task');
  } catch {
    return; // not Linux: threads keep the process's priority
  }
  for (const task of tasks) {
    const tid = Number(task);
    if (lowered.has(tid)) continue;
    try {
      if (fs.readFileSync(`/proc/self/task/${task}/comm`, 'latin1').trim() !== 'libvips worker') continue;
      os.setPriority(tid, IMAGE_THREAD_NICENESS);
      lowered.add(tid);
    } catch {
      continue; // the thread ended meanwhile
    }
    idlePolicy(tid);
  }
}

/**
 * Moves a thread to SCHED_IDLE. Without `chrt`, or where the policy is refused (a seccomp profile that denies
 * sched_setscheduler), the threads keep niceness 19, which is said once.
 */
function idlePolicy(tid: number): void {
  if (chrtUnavailable) return;
  execFile('chrt', ['--idle', '--pid', '0', String(tid)], (error, _stdout, stderr) => {
    if (!error || chrtUnavailable) return;
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (!missing && !/not permitted/i.test(stderr)) return; // the thread ended meanwhile
    chrtUnavailable = true;
    logger.warn(
      { reason: missing ? 'chrt (util-linux) not found' : stderr.trim() },
      'image threads run at niceness 19, not as SCHED_IDLE',
    );
  });
}

/**
 * Re-encodes an upload (API.md "Images"): decoded in full (an error or a warning such as a truncated file is 415),
 * turned upright by its EXIF orientation, every metadata block dropped (sharp keeps none unless asked; colour is
 * converted to sRGB), into the display image in the same format and a WebP thumbnail. sharp runs libvips on the
 * libuv thread pool, never on the event loop; at most IMAGE_PROCESSING_CONCURRENCY uploads are decoded at once
 * per instance and the others wait their turn, so memory and CPU stay bounded whatever the number of uploads.
 */
@Injectable()
export class ImageProcessor {
  private readonly slots: Slots;

  constructor(config: AppConfig) {
    this.slots = new Slots(config.images.processingConcurrency);
  }

  async process(input: Buffer): Promise<ProcessedImage> {
    const ext = detectImageType(input);
    if (!ext) throw unsupported('the image must be a JPEG, PNG or WebP file');
    return this.slots.run(async () => {
      // libvips starts its workers on demand: those of earlier images are lowered before this one runs.
      deprioritizeImageThreads();
      try {
        const display = await sharp(input, { failOn: 'warning', limitInputPixels: MAX_INPUT_PIXELS })
          .autoOrient()
          .resize({
            width: DISPLAY_MAX_SIDE,
            height: DISPLAY_MAX_SIDE,
            fit: 'inside',
            withoutEnlargement: true,
          })
          .toFormat(...OUTPUT[ext])
          .toBuffer();
        // From the display image, already upright and at most 1600 px: a fraction of the original's decoding.
        const thumbnail = await sharp(display)
          .resize({
            width: THUMBNAIL_MAX_SIDE,
            height: THUMBNAIL_MAX_SIDE,
            fit: 'inside',
            withoutEnlargement: true,
          })
          .webp({ quality: 80 })
          .toBuffer();
        return { display: { data: display, ext }, thumbnail: { data: thumbnail, ext: 'webp' } };
      } catch (error) {
        throw decodeError(error);
      } finally {
        deprioritizeImageThreads();
      }
    });
  }
}

const OUTPUT: Record<ImageExtension, Parameters<sharp.Sharp['toFormat']>> = {
  jpg: ['jpeg', { quality: 82 }],
  png: ['png', { compressionLevel: 6 }],
  webp: ['webp', { quality: 82 }],
};

function unsupported(detail: string): AppError {
  return new AppError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE, detail);
}

function decodeError(error: unknown): AppError {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new AppError(
      413,
      ErrorCode.PAYLOAD_TOO_LARGE,
      `the image must be at most ${MAX_INPUT_PIXELS / 1_000_000} megapixels`,
    );
  }
  // libvips' message names the decoder's complaint (e.g. "VipsJpeg: premature end of JPEG file"), never a path.
  return unsupported(`the image could not be decoded: ${message.split('\n')[0].slice(0, 200)}`);
}

/** A counting semaphore: at most `size` callers inside `run` at once, the others queued in arrival order. */
class Slots {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
