import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { promises as fs } from 'node:fs';
import { Public } from '../../common/auth';
import { AppError, ErrorEnvelopeDto } from '../../common/errors';
import { LocalImageStorage } from './storage/local-image-storage';

/** One day, as API.md fixes: images never change under a name (a new upload gets a new name). */
const IMAGE_MAX_AGE_MS = 86_400_000;

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
    // Last-Modified, answers HEAD, ranges and conditional requests.
    await new Promise<void>((resolve, reject) =>
      res.sendFile(location, { maxAge: IMAGE_MAX_AGE_MS, dotfiles: 'deny' }, (err) =>
        err && !res.headersSent ? reject(AppError.notFound(undefined, 'image not found')) : resolve(),
      ),
    );
  }
}
