import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ScreenshotStore } from '../../shared/ports/browser-worker.ts';

const keyOf = (jobId: string) => `screenshots/${jobId}.png`;

/** Local mode: `<dir>/screenshots/<jobId>.png`; the job records the key relative to `dir`. */
export function localScreenshotStore(dir: string): ScreenshotStore {
  return {
    async put({ jobId, png }) {
      const key = keyOf(jobId);
      await mkdir(join(dir, 'screenshots'), { recursive: true });
      await writeFile(join(dir, key), png);
      return key;
    },
  };
}

/** AWS: the bucket, encrypted at rest by the bucket's own default; the job records `s3://bucket/key`. */
export function s3ScreenshotStore(s3: S3Client, bucket: string): ScreenshotStore {
  return {
    async put({ jobId, png }) {
      const key = keyOf(jobId);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: png, ContentType: 'image/png' }));
      return `s3://${bucket}/${key}`;
    },
  };
}
