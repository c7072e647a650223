import { createHash } from 'node:crypto';
import { startTestApp, TestApp, TestEnv } from '../utils/app';
import { bearer, storeFixture } from '../utils/auth';

/**
 * What a tablet's HTTP cache sees of GET /api/v1/menu: a validator that changes with the menu and a 304 in between;
 * and no validator on the answer to a POST, which no cache revalidates.
 */
describe('GET /api/v1/menu validators', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("answers Express's weak ETag of the body, 304 for a matching If-None-Match, and a new one after a change", async () => {
    const f = await storeFixture(t, 1);
    const admin = bearer(f.admin.token);
    const table = bearer(f.tables[0].token);
    const category = await t
      .http()
      .post('/api/v1/admin/categories')
      .set(...admin)
      .send({ name: '찌개' })
      .expect(201);
    await t
      .http()
      .post('/api/v1/admin/menus')
      .set(...admin)
      .send({ categoryId: category.body.id, name: '김치찌개', price: 9000 })
      .expect(201);

    const first = await t
      .http()
      .get('/api/v1/menu')
      .set(...table)
      .expect(200);
    const text = first.text;
    const expected = `W/"${Buffer.byteLength(text).toString(16)}-${createHash('sha1').update(text).digest('base64').slice(0, 27)}"`;
    expect(first.headers.etag).toBe(expected);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.headers['content-length']).toBe(String(Buffer.byteLength(text)));
    const again = await t
      .http()
      .get('/api/v1/menu')
      .set(...table)
      .expect(200);
    expect(again.headers.etag).toBe(expected);

    const unchanged = await t
      .http()
      .get('/api/v1/menu')
      .set(...table)
      .set('If-None-Match', expected);
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');
    expect(unchanged.headers.etag).toBe(expected);
    expect(unchanged.headers['content-type']).toBeUndefined();
    expect(unchanged.headers['content-length']).toBeUndefined();

    const head = await t
      .http()
      .head('/api/v1/menu')
      .set(...table)
      .expect(200);
    expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength(text)));
    expect(head.headers.etag).toBe(expected);
    expect(head.text).toBeUndefined();

    await t
      .http()
      .post('/api/v1/admin/menus')
      .set(...admin)
      .send({ categoryId: category.body.id, name: '된장찌개', price: 8000 })
      .expect(201);
    const changed = await t
      .http()
      .get('/api/v1/menu')
      .set(...table)
      .set('If-None-Match', expected)
      .expect(200);
    expect(changed.headers.etag).not.toBe(expected);
    expect(JSON.parse(changed.text).categories[0].items).toHaveLength(2);
  });

  it('gives a GET answer an ETag and a POST answer none (no cache revalidates a POST)', async () => {
    const f = await storeFixture(t, 1);
    const admin = bearer(f.admin.token);
    const created = await t
      .http()
      .post('/api/v1/admin/categories')
      .set(...admin)
      .send({ name: '찌개' })
      .expect(201);
    expect(created.headers.etag).toBeUndefined();
    const listed = await t
      .http()
      .get('/api/v1/admin/categories')
      .set(...admin)
      .expect(200);
    expect(listed.headers.etag).toMatch(/^W\/"/);
  });
});
