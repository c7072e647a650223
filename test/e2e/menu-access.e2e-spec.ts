import { call } from '../utils/http';
import { MenusWorld, UNKNOWN_ID } from './support/menus';

describe('menus and categories: access', () => {
  const w = MenusWorld.use();

  const adminRoutes: Array<[string, string]> = [
    ['get', '/api/v1/admin/categories'],
    ['post', '/api/v1/admin/categories'],
    ['patch', `/api/v1/admin/categories/${UNKNOWN_ID}`],
    ['delete', `/api/v1/admin/categories/${UNKNOWN_ID}`],
    ['put', '/api/v1/admin/categories/order'],
    ['get', '/api/v1/admin/menus'],
    ['post', '/api/v1/admin/menus'],
    ['get', `/api/v1/admin/menus/${UNKNOWN_ID}`],
    ['patch', `/api/v1/admin/menus/${UNKNOWN_ID}`],
    ['delete', `/api/v1/admin/menus/${UNKNOWN_ID}`],
    ['put', '/api/v1/admin/menus/order'],
    ['put', `/api/v1/admin/menus/${UNKNOWN_ID}/image`],
    ['delete', `/api/v1/admin/menus/${UNKNOWN_ID}/image`],
  ];

  it.each(adminRoutes)('%s %s: 401 without a token, 403 with a table token', async (method, url) => {
    const anonymous = await call(w.t, method, url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error_code).toBe('TOKEN_MISSING');
    const asTable = await call(w.t, method, url).set(...w.tableA());
    expect(asTable.status).toBe(403);
    expect(asTable.body.error_code).toBe('INSUFFICIENT_PERMISSIONS');
  });

  it('GET /menu needs a token and serves tables and admins', async () => {
    const res = await w.t.http().get('/api/v1/menu');
    expect(res.status).toBe(401);
    await w.readMenu(w.tableA());
    await w.readMenu(w.adminA());
  });
});
