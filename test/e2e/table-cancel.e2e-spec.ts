import { randomUUID } from 'node:crypto';
import { createCategory, createMenu } from '../factories';
import { bearer } from '../utils/auth';
import { Body, FloorWorld } from './support/floor';

describe('DELETE /api/v1/orders/:id (a table cancels its own PENDING order)', () => {
  const w = FloorWorld.use();

  it('removes it as an admin deletion does, with the table recorded as the actor', async () => {
    const s = await w.store(1);
    const keep = await s.place(0, 1);
    const gone = await s.place(0, 2);
    const own = await s.stream('/api/v1/orders/events', s.tables[0].token);
    await w.t
      .http()
      .delete(`/api/v1/orders/${gone.id}`)
      .set(...s.table(0))
      .expect(204);
    expect(await s.tableOrders(0)).toEqual({ sessionId: keep.sessionId, totalAmount: 9000, orders: [keep] });
    await w.t
      .http()
      .get(`/api/v1/admin/orders/${gone.id}`)
      .set(...s.adminAuth())
      .expect(404);
    await own.waitForEvents(1);
    expect(own.events[0]).toMatchObject({
      event: 'order_deleted',
      json: { orderId: gone.id, tableId: s.tables[0].id },
    });
    const [audit] = (await w.t.dataSource.query(
      `SELECT deleted_by, deleted_by_role, order_number, total_amount FROM order_deletions WHERE order_id = $1`,
      [gone.id],
    )) as Body[];
    expect(audit).toEqual({
      deleted_by: s.tables[0].id,
      deleted_by_role: 'table',
      order_number: gone.orderNumber,
      total_amount: 18000,
    });
    // An admin deletion is recorded with the admin.
    await w.t
      .http()
      .delete(`/api/v1/admin/orders/${keep.id}`)
      .set(...s.adminAuth())
      .expect(204);
    const [byAdmin] = (await w.t.dataSource.query(
      `SELECT deleted_by, deleted_by_role FROM order_deletions WHERE order_id = $1`,
      [keep.id],
    )) as Body[];
    expect(byAdmin).toEqual({ deleted_by: s.admin.id, deleted_by_role: 'admin' });
    own.close();
  });

  it('is 409 ORDER_NOT_CANCELLABLE once PREPARING or COMPLETED; 404 for another table’s, archived or unknown', async () => {
    const s = await w.store(2);
    const preparing = await s.place(0);
    await s.setStatus(preparing.id, 'PREPARING').expect(200);
    const completed = await s.place(0);
    await s.setStatus(completed.id, 'COMPLETED').expect(200);
    for (const order of [preparing, completed]) {
      const res = await w.t
        .http()
        .delete(`/api/v1/orders/${order.id}`)
        .set(...s.table(0))
        .expect(409);
      expect(res.body.error_code).toBe('ORDER_NOT_CANCELLABLE');
    }
    const pending = await s.place(0);
    const foreignOrder = (
      await w.t
        .http()
        .post('/api/v1/orders')
        .set(...bearer(w.other.tables[0].token))
        .send({
          items: [
            {
              menuId: (
                await createMenu(
                  w.t.dataSource,
                  w.other.store.id,
                  (await createCategory(w.t.dataSource, w.other.store.id)).id,
                )
              ).id,
              quantity: 1,
            },
          ],
        })
        .expect(201)
    ).body;
    for (const [who, id] of [
      ['another table of the store', pending.id],
      ['another store', foreignOrder.id],
      ['unknown', randomUUID()],
    ]) {
      const res = await w.t
        .http()
        .delete(`/api/v1/orders/${id}`)
        .set(...s.table(1));
      expect({ who, status: res.status, code: res.body.error_code }).toEqual({
        who,
        status: 404,
        code: 'ORDER_NOT_FOUND',
      });
    }
    await s.complete(s.tables[0].id).expect(200);
    const archived = await w.t
      .http()
      .delete(`/api/v1/orders/${pending.id}`)
      .set(...s.table(0))
      .expect(404);
    expect(archived.body.error_code).toBe('ORDER_NOT_FOUND');
    await w.t
      .http()
      .delete(`/api/v1/orders/${preparing.id}`)
      .set(...s.adminAuth())
      .expect(403);
  });
});
