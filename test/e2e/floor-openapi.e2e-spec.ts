import { Body, FloorWorld } from './support/floor';

describe('floor: the OpenAPI document', () => {
  const w = FloorWorld.use();

  it('documents the new routes, the staff call schema and the new events', async () => {
    const doc = (await w.t.http().get('/docs-json').expect(200)).body as Body;
    const expected: Array<[string, string, string[]]> = [
      ['/api/v1/staff-calls', 'post', ['200', '201', '400', '401', '403']],
      ['/api/v1/staff-calls', 'get', ['200', '401', '403']],
      ['/api/v1/admin/staff-calls', 'get', ['200', '400']],
      ['/api/v1/admin/staff-calls/{id}/resolve', 'post', ['200', '400', '404']],
      ['/api/v1/orders/{id}', 'delete', ['204', '400', '404', '409']],
      ['/api/v1/admin/tables/{id}/move', 'post', ['200', '400', '404', '409']],
      ['/api/v1/admin/tables/{id}/merge', 'post', ['200', '400', '404', '409']],
    ];
    for (const [path, method, statuses] of expected) {
      expect({ path, method, statuses: Object.keys(doc.paths[path]?.[method]?.responses ?? {}) }).toEqual({
        path,
        method,
        statuses: expect.arrayContaining(statuses),
      });
    }
    expect(Object.keys(doc.components.schemas.StaffCallDto.properties).sort()).toEqual(
      ['id', 'tableId', 'tableNumber', 'reason', 'message', 'status', 'createdAt', 'resolvedAt'].sort(),
    );
    expect(doc.components.schemas.StaffCallDto.properties.reason.enum).toEqual([
      'CALL',
      'WATER',
      'CUTLERY',
      'NAPKINS',
      'BILL',
      'OTHER',
    ]);
    expect(Object.keys(doc.components.schemas.TableMoveResultDto.properties).sort()).toEqual(
      ['sessionId', 'fromTableId', 'toTableId', 'orderCount', 'totalAmount'].sort(),
    );
    expect(Object.keys(doc.components.schemas.DashboardTableDto.properties)).toContain('openStaffCalls');
    for (const path of ['/api/v1/admin/events', '/api/v1/orders/events']) {
      const schema = doc.paths[path].get.responses['200'].content['text/event-stream'].schema;
      expect(Object.keys(schema.discriminator.mapping)).toEqual(
        expect.arrayContaining(['table_moved', 'staff_call', 'staff_call_resolved']),
      );
      expect(schema.oneOf).toEqual(
        expect.arrayContaining([
          { $ref: '#/components/schemas/TableMovedEventDto' },
          { $ref: '#/components/schemas/StaffCallEventDto' },
          { $ref: '#/components/schemas/StaffCallResolvedEventDto' },
        ]),
      );
    }
    expect(doc.info.description).toContain('STAFF_CALL_NOT_FOUND');
    expect(doc.info.description).toContain('ORDER_NOT_CANCELLABLE');
  });
});
