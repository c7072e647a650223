import { ApiProperty } from '@nestjs/swagger';
import { OrderDto } from '../../orders/dto/order.dto';
import { StaffCallDto } from '../../staff-calls/dto/staff-call.dto';

/**
 * The live events of API.md, one class per `event:` type: the OpenAPI document's schemas for both streams, and
 * the TypeScript types a client imports. A frame on the wire is `id: <id>`, `event: <event>`, `data: <JSON data>`;
 * each class is that frame as an object, `data` parsed.
 */

/** What every event's `data` carries. */
export class EventDataDto {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    example: 42,
    description: 'the frame’s id, increasing within the store',
  })
  eventId: number;
  @ApiProperty({ format: 'uuid' }) storeId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the table the event is about' })
  tableId: string | null;
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T09:30:00.000Z' }) occurredAt: string;
}

export class OrderEventDataDto extends EventDataDto {
  @ApiProperty({ type: OrderDto }) order: OrderDto;
}

export class OrderDeletedEventDataDto extends EventDataDto {
  @ApiProperty({ format: 'uuid' }) orderId: string;
}

export class TableResetEventDataDto extends EventDataDto {
  @ApiProperty({ format: 'uuid', description: 'the archived session' }) sessionId: string;
  @ApiProperty({ type: String, format: 'date-time' }) completedAt: string;
}

export class TableMovedEventDataDto extends EventDataDto {
  @ApiProperty({ format: 'uuid' }) fromTableId: string;
  @ApiProperty({ format: 'uuid' }) toTableId: string;
  @ApiProperty({ format: 'uuid', description: 'move: the moved session; merge: the target’s' })
  sessionId: string;
  @ApiProperty({ description: 'true for a merge (합석)' }) merged: boolean;
}

export class StaffCallEventDataDto extends EventDataDto {
  @ApiProperty({ type: StaffCallDto }) call: StaffCallDto;
}

export class ResetEventDataDto {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'the Last-Event-ID the client sent' })
  eventId: number;
  @ApiProperty({ example: 'events after the given id are no longer kept; reload the state' }) reason: string;
}

const frameId = () =>
  ApiProperty({ pattern: '^\\d+$', example: '42', description: '`id:`, the same value as data.eventId' });

export class NewOrderEventDto {
  @frameId() id: string;
  @ApiProperty({ enum: ['new_order'] }) event: 'new_order';
  @ApiProperty({ type: OrderEventDataDto, description: 'an order was placed' }) data: OrderEventDataDto;
}

export class OrderUpdatedEventDto {
  @frameId() id: string;
  @ApiProperty({ enum: ['order_updated'] }) event: 'order_updated';
  @ApiProperty({ type: OrderEventDataDto, description: 'an order’s status changed' }) data: OrderEventDataDto;
}

export class OrderDeletedEventDto {
  @frameId() id: string;
  @ApiProperty({ enum: ['order_deleted'] }) event: 'order_deleted';
  @ApiProperty({ type: OrderDeletedEventDataDto, description: 'an order was deleted or cancelled' })
  data: OrderDeletedEventDataDto;
}

export class TableResetEventDto {
  @frameId() id: string;
  @ApiProperty({ enum: ['table_reset'] }) event: 'table_reset';
  @ApiProperty({ type: TableResetEventDataDto, description: 'a session was completed (이용 완료)' })
  data: TableResetEventDataDto;
}

export class TableMovedEventDto {
  @frameId() id: string;
  @ApiProperty({ enum: ['table_moved'] }) event: 'table_moved';
  @ApiProperty({
    type: TableMovedEventDataDto,
    description:
      'a party moved (자리 이동) or merged (합석); tableId is the source, and both tables’ streams get it',
  })
  data: TableMovedEventDataDto;
}

export class StaffCallEventDto {
  @frameId() id: string;
  @ApiProperty({ enum: ['staff_call'] }) event: 'staff_call';
  @ApiProperty({ type: StaffCallEventDataDto, description: 'a table called staff (직원 호출)' })
  data: StaffCallEventDataDto;
}

export class StaffCallResolvedEventDto {
  @frameId() id: string;
  @ApiProperty({ enum: ['staff_call_resolved'] }) event: 'staff_call_resolved';
  @ApiProperty({
    type: StaffCallEventDataDto,
    description:
      'a call was resolved (by an admin, by 이용 완료, or by a move onto a table with the same open reason)',
  })
  data: StaffCallEventDataDto;
}

export class ResetEventDto {
  @frameId() id: string;
  @ApiProperty({ enum: ['reset'] }) event: 'reset';
  @ApiProperty({
    type: ResetEventDataDto,
    description:
      'the requested Last-Event-ID is no longer kept: reload through the REST endpoints, then listen on',
  })
  data: ResetEventDataDto;
}

/** Every event a stream can send, by its `event:` name. */
export const LIVE_EVENTS = {
  new_order: NewOrderEventDto,
  order_updated: OrderUpdatedEventDto,
  order_deleted: OrderDeletedEventDto,
  table_reset: TableResetEventDto,
  table_moved: TableMovedEventDto,
  staff_call: StaffCallEventDto,
  staff_call_resolved: StaffCallResolvedEventDto,
  reset: ResetEventDto,
} as const;

export type LiveEvent = InstanceType<(typeof LIVE_EVENTS)[keyof typeof LIVE_EVENTS]>;
