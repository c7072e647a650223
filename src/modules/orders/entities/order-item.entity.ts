import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OptionSnapshot } from '../dto/order.dto';

/**
 * `order_items`: one line of an order, with the menu's name and price and the chosen options (group name, name,
 * price) as they were when it was placed, and the line's note. unit_price = menu_price + the options' prices.
 */
@Entity({ name: 'order_items' })
export class OrderItemEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'order_id' }) orderId: string;
  @Column('integer', { name: 'line_no' }) lineNo: number;
  @Column('uuid', { name: 'menu_id' }) menuId: string;
  @Column('varchar', { name: 'menu_name', length: 100 }) menuName: string;
  @Column('integer', { name: 'menu_price' }) menuPrice: number;
  @Column('jsonb', { default: () => "'[]'::jsonb" }) options: OptionSnapshot[];
  @Column('varchar', { length: 100, nullable: true }) note: string | null;
  @Column('integer', { name: 'unit_price' }) unitPrice: number;
  @Column('integer') quantity: number;
}
