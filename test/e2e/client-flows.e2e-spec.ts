import { adminFlow, adminSetupFlow, platformFlow, tabletFlow } from '../client/flows';
import { startTestApp, SUPERADMIN, TestApp, TestEnv } from '../utils/app';

/**
 * The flows of test/client, written against the client generated from the OpenAPI document, run against the
 * service: what a generated tablet app and admin app would do, end to end, with every response also checked
 * against the document by the instance's validator (test/utils/openapi-validator.ts).
 */
describe('the generated client: platform, tablet and admin flows', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('sets up a store, orders from a tablet and runs the floor from the admin app', async () => {
    const store = await platformFlow(t.url, SUPERADMIN, 'client-flow');
    const floor = await adminSetupFlow(t.url, store);
    const tablet = await tabletFlow(t.url, store, floor);
    expect(tablet.totalAmount).toBe(18_000);

    const admin = await adminFlow(t.url, floor, tablet);
    expect(admin).toEqual({ dashboardTotal: 18_000, archivedOrders: 1, ticketExpiresIn: 60 });
  });
});
