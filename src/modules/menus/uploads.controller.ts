import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { promises as fs } from 'node:fs';
import { Public } from '../../common/auth';
import { AppError, ErrorEnvelopeDto } from '../../common/errors';
import { LocalImageStorage } from './storage/local-image-storage';

/** One day, as API.md fixes: images never change under a name (a new upload gets a new name). */
const IMAGE_MAX_AGE_MS = 86_400_000;
const IMAGE_HEADERS = [
  'Content-Type',
  'Content-Length',
  'Cache-Control',
  'ETag',
  'Last-Modified',
  'Accept-Ranges',
];

/** Serves the images LocalImageStorage keeps, outside /api/v1, to anyone (tablets load them as <img>). */
@ApiTags('menu')
@Public()
@Controller('uploads')
export class UploadsController {
  constructor(private readonly storage: LocalImageStorage) {}

  @Get(':file')
  @ApiOperation({ summary: 'A menu image (`imageUrl`), with Cache-Control: public, max-age=86400' })
  @ApiProduces('image/jpeg', 'image/png', 'image/webp')
  @ApiOkResponse({ description: 'the image bytes' })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'NOT_FOUND' })
  async image(@Param('file') file: string, @Res() res: Response): Promise<void> {
    // Only `<uuid>.<jpg|png|webp>`: anything else (a path, `..`, another extension) is simply not found.
    const location = this.storage.pathOf(file);
    const stat = location ? await fs.stat(location).catch(() => null) : null;
    if (!location || !stat?.isFile()) throw AppError.notFound(undefined, 'image not found');
    // send() sets Content-Type from the extension (which the stored name got from the bytes), ETag,
    // Last-Modified, answers HEAD and conditional requests. No ranges: an image is at most 5 MB, and send()
    // fails an unsatisfiable range through the callback below, which has no status for it.
    await new Promise<void>((resolve, reject) =>
      res.sendFile(location, { maxAge: IMAGE_MAX_AGE_MS, dotfiles: 'deny', acceptRanges: false }, (err) => {
        if (!err || res.headersSent) return resolve();
        // The file went away after the stat (a new image replaced it): the headers send() set for the image
        // (Content-Type: image/…, a day of caching) must not go out on the error envelope.
        for (const name of IMAGE_HEADERS) res.removeHeader(name);
        reject(AppError.notFound(undefined, 'image not found'));
      }),
    );
  }
}
