import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { promises as fs } from 'node:fs';
import { AppError, ErrorCode } from '../../common/errors';
import { Endpoint } from '../../common/http/endpoint.decorator';
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
@Controller('uploads')
export class UploadsController {
  constructor(@Inject(IMAGE_STORAGE) private readonly storage: ImageStorage) {}

  @Get(':file')
  @ApiParam({ name: 'file', description: '`<uuid>.<jpg|png|webp>`, as in imageUrl / thumbnailUrl' })
  @Endpoint({
    operationId: 'getImage',
    auth: 'public',
    guarded: false,
    summary: `A menu image (\`imageUrl\`, \`thumbnailUrl\`) of IMAGE_STORAGE=local, with Cache-Control: ${IMAGE_CACHE_CONTROL}`,
    success: {
      status: 200,
      description: 'the image bytes',
      content: Object.fromEntries(
        ['image/jpeg', 'image/png', 'image/webp'].map((type) => [
          type,
          { schema: { type: 'string', contentMediaType: type } },
        ]),
      ),
      headers: {
        'Cache-Control': {
          description: 'names never change content',
          schema: { type: 'string', example: IMAGE_CACHE_CONTROL },
        },
        ETag: { schema: { type: 'string' } },
        'Last-Modified': { schema: { type: 'string' } },
      },
    },
    errors: [[ErrorCode.NOT_FOUND, 'no such image (or IMAGE_STORAGE=s3, whose URLs point at the bucket)']],
  })
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
