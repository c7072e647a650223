import type { ImageExtension } from './image-storage';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The image type by the file's magic numbers, never by its name or declared Content-Type. Three signatures
 * are all the API accepts, so they are checked here rather than through file-type (ESM-only, and it knows
 * hundreds of formats we would then have to filter).
 */
export function detectImageType(data: Buffer): ImageExtension | null {
  // JPEG: SOI marker followed by the start of another marker (FF D8 FF).
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpg';
  if (data.length > PNG_SIGNATURE.length && data.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  // WebP: a RIFF container of form type WEBP whose first chunk is VP8 (lossy), VP8L (lossless) or VP8X.
  if (
    data.length >= 16 &&
    data.toString('latin1', 0, 4) === 'RIFF' &&
    data.toString('latin1', 8, 12) === 'WEBP' &&
    ['VP8 ', 'VP8L', 'VP8X'].includes(data.toString('latin1', 12, 16))
  ) {
    return 'webp';
  }
  return null;
}

export const IMAGE_CONTENT_TYPES: Record<ImageExtension, string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};
