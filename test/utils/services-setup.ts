import { ensureTemplate } from './test-database';

/** globalSetup of the services suites: the migrated template every test database is cloned from, built once. */
export default async function servicesSetup(): Promise<void> {
  await ensureTemplate();
}
