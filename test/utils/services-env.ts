// Loaded by test/jest-services.config.ts: switches test/utils/app.ts to the real services of this machine.
process.env.TEST_SERVICES = '1';
// The app's S3 client takes its credentials from the AWS SDK's default chain, as in production: these are the
// keys of the test server (s3rver's built-in account), unless the run points at another store.
process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
