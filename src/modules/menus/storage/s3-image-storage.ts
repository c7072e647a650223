import { randomUUID } from 'node:crypto';
import {
  DeleteObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { S3Settings } from '../../../config';
import { IMAGE_CACHE_CONTROL, IMAGE_NAME, ImageExtension, ImageStorage, StoredImage } from './image-storage';
import { IMAGE_CONTENT_TYPES } from './image-type';

/**
 * Images in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Cloudflare R2…), each object with its Content-Type
 * and the immutable Cache-Control, fetched by clients from S3_PUBLIC_URL (the bucket's or a CDN's base URL), so
 * every replica serves the same images with no shared volume. Credentials come from the SDK's default chain.
 */
export class S3ImageStorage implements ImageStorage, OnApplicationShutdown {
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      // The SDK's default since 2025 streams a body as `aws-chunked` with a trailing CRC checksum, which several
      // S3-compatible stores mishandle (some store the chunk framing as the object). Bodies here are buffers
      // sent with their length, and checksums are computed only where an operation requires one.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // An unreachable store fails an upload in seconds (503), rather than after the SDK's default waits.
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 2000, requestTimeout: 15_000 },
    });
  }

  async save(data: Buffer, ext: ImageExtension): Promise<string> {
    const name = `${randomUUID()}.${ext}`;
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.settings.bucket,
        Key: name,
        Body: data,
        ContentLength: data.length,
        ContentType: IMAGE_CONTENT_TYPES[ext],
        CacheControl: IMAGE_CACHE_CONTROL,
      }),
    );
    return name;
  }

  async remove(name: string): Promise<void> {
    if (!IMAGE_NAME.test(name)) return;
    // S3 answers a delete of a missing key with 204 as well.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: name }));
  }

  url(name: string): string {
    return `${this.settings.publicUrl}/${name}`;
  }

  async *list(): AsyncIterable<StoredImage> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.settings.bucket, ContinuationToken: token, MaxKeys: 1000 }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key && IMAGE_NAME.test(object.Key) && object.LastModified) {
          yield { name: object.Key, modifiedAt: object.LastModified };
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** The bucket exists and these credentials may use it. */
  async check(signal: AbortSignal): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }), { abortSignal: signal });
  }

  onApplicationShutdown(): void {
    this.client.destroy();
  }
}
