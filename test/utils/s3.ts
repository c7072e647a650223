import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';

/**
 * The S3-protocol server of the services suite (.ci/services.sh starts it: s3rver on 127.0.0.1:4569), and the
 * few bucket operations the tests need. The app itself finds its credentials in the SDK's default chain, the
 * variables test/utils/services-env.ts sets.
 */
export const S3_ENDPOINT = process.env.TEST_S3_ENDPOINT ?? 'http://127.0.0.1:4569';
export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let client: S3Client | undefined;
export function s3(): S3Client {
  client ??= new S3Client({
    region: 'us-east-1',
    endpoint: S3_ENDPOINT,
    forcePathStyle: true,
    credentials: S3_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return client;
}

export async function createBucket(bucket: string): Promise<void> {
  await s3().send(new CreateBucketCommand({ Bucket: bucket }));
}

export async function listKeys(bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3().send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

export async function getObject(
  bucket: string,
  key: string,
): Promise<{ body: Buffer; contentType?: string; cacheControl?: string }> {
  const object = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return {
    body: Buffer.from(await object.Body!.transformToByteArray()),
    contentType: object.ContentType,
    cacheControl: object.CacheControl,
  };
}

export async function deleteBucket(bucket: string): Promise<void> {
  for (const key of await listKeys(bucket)) {
    await s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }
  await s3().send(new DeleteBucketCommand({ Bucket: bucket }));
}
