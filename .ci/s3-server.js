// The S3-protocol server of the services suite (.ci/services.sh starts it): @20minutes/s3rver from the npm lock,
// the maintained fork of s3rver (Node >= 24). MinIO's server is in neither npm nor Debian, and Debian's Ceph RGW
// needs a whole RADOS cluster. s3rver checks that a request names a known access key (S3RVER) but its SigV4
// canonicalization disagrees with the current AWS SDK's, so mismatched signatures are let through: the tests are
// about what is stored and served, not about AWS's signing, which the SDK owns.
// Usage: node .ci/s3-server.js <port> <directory>. Listens on 127.0.0.1 only; the tests create their buckets.
'use strict';
const fs = require('node:fs');
const S3rver = require('@20minutes/s3rver');

const port = Number(process.argv[2] ?? 4569);
const directory = process.argv[3] ?? '/tmp/table-order-s3';
fs.mkdirSync(directory, { recursive: true });
new S3rver({
  address: '127.0.0.1',
  port,
  directory,
  silent: true,
  vhostBuckets: false,
  allowMismatchedSignatures: true,
})
  .run()
  .then(({ port: bound }) => console.log(`S3 server (s3rver) listening on 127.0.0.1:${bound}, data in ${directory}`))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
