import type { Config } from 'jest';

// `npm test`: unit tests beside the code, HTTP end-to-end and security tests (test/security) on the embedded defaults
// (PGlite, in-process cache and bus). No server is needed.
const config: Config = {
  rootDir: '.',
  // What every suite shares (transform, environment, workers).
  preset: './test/jest-base.preset.json',
  testRegex: '(src/.*\\.spec|test/(e2e|security)/.*\\.e2e-spec)\\.ts$',
  testTimeout: 60_000,
};

export default config;
