import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `order_items`: one line of an order, with the menu's name and price as they were when it was placed. */
@Entity({ name: 'order_items' })
export class OrderItemEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'order_id' }) orderId: string;
  @Column('integer', { name: 'line_no' }) lineNo: number;
  @Column('uuid', { name: 'menu_id' }) menuId: string;
  @Column('varchar', { name: 'menu_name', length: 100 }) menuName: string;
  @Column('integer', { name: 'unit_price' }) unitPrice: number;
  @Column('integer') quantity: number;
}
