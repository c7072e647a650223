import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { promises as fs } from 'node:fs';
import { Public } from '../../common/auth';
import { AppError, ErrorEnvelopeDto } from '../../common/errors';
import { IMAGE_CACHE_CONTROL, IMAGE_STORAGE, type ImageStorage } from './storage/image-storage';

const IMAGE_HEADERS = [
  'Content-Type',
  'Content-Length',
  'Cache-Control',
  'ETag',
  'Last-Modified',
  'Accept-Ranges',
];

/**
 * Serves the images of IMAGE_STORAGE=local, outside /api/v1, to anyone (tablets load them as <img>). With
 * IMAGE_STORAGE=s3 the URLs point at the bucket, and every name here is simply not found.
 */
@ApiTags('menu')
@Public()
@Controller('uploads')
export class UploadsController {
  constructor(@Inject(IMAGE_STORAGE) private readonly storage: ImageStorage) {}

  @Get(':file')
  @ApiOperation({
    summary: `A menu image (\`imageUrl\`, \`thumbnailUrl\`) of IMAGE_STORAGE=local, with Cache-Control: ${IMAGE_CACHE_CONTROL}`,
  })
  @ApiProduces('image/jpeg', 'image/png', 'image/webp')
  @ApiOkResponse({ description: 'the image bytes' })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'NOT_FOUND' })
  async image(@Param('file') file: string, @Res() res: Response): Promise<void> {
    // Only `<uuid>.<jpg|png|webp>`: anything else (a path, `..`, another extension) is simply not found.
    const location = this.storage.localFile?.(file) ?? null;
    const stat = location ? await fs.stat(location).catch(() => null) : null;
    if (!location || !stat?.isFile()) throw AppError.notFound(undefined, 'image not found');
    // A name's content never changes (a new upload gets a new name), hence a year and `immutable`. send() sets
    // Content-Type from the extension (which the stored name got from the bytes), ETag, Last-Modified, answers
    // HEAD and conditional requests. No ranges: an image is at most 5 MB, and send() fails an unsatisfiable
    // range through the callback below, which has no status for it.
    res.setHeader('Cache-Control', IMAGE_CACHE_CONTROL);
    await new Promise<void>((resolve, reject) =>
      res.sendFile(location, { cacheControl: false, dotfiles: 'deny', acceptRanges: false }, (err) => {
        if (!err || res.headersSent) return resolve();
        // The file went away after the stat (a new image replaced it): the headers set for the image
        // (Content-Type: image/…, a year of caching) must not go out on the error envelope.
        for (const name of IMAGE_HEADERS) res.removeHeader(name);
        reject(AppError.notFound(undefined, 'image not found'));
      }),
    );
  }
}
