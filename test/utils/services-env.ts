// Loaded by test/jest-services.config.ts: switches test/utils/app.ts to the real services of this machine.
process.env.TEST_SERVICES = '1';
