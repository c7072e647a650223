import { AppError, ErrorCode } from '../../common/errors';
import type { CreateOrderDto } from './dto/create-order.dto';
import type { OptionSnapshot, OrderLineSnapshot } from './dto/order.dto';

/** A menu as placement reads it: price, availability and its option groups in the menu's order. */
export interface OrderableMenu {
  id: string;
  name: string;
  price: number;
  isAvailable: boolean;
  groups: OrderableGroup[];
}

export interface OrderableGroup {
  id: string;
  name: string;
  minSelect: number;
  maxSelect: number;
  /** By displayOrder. */
  options: Array<{ id: string; name: string; price: number; isAvailable: boolean }>;
}

/** An option id a line names that its menu does not offer: another menu's option, or none of the store's. */
export interface UnofferedOption {
  line: number;
  optionId: string;
  menuName: string;
}

/** The largest amount an order's integer columns hold; more is refused rather than failing in SQL. */
export const MAX_ORDER_TOTAL = 2_147_483_647;

const selectionInvalid = (detail: string): AppError =>
  new AppError(400, ErrorCode.OPTION_SELECTION_INVALID, detail);

function menusById(body: CreateOrderDto, menus: OrderableMenu[]): Map<string, OrderableMenu> {
  const byId = new Map(menus.map((m) => [m.id.toLowerCase(), m]));
  const missing = body.items.find((line) => !byId.has(line.menuId.toLowerCase()));
  if (missing) throw AppError.notFound(ErrorCode.MENU_NOT_FOUND, `menu ${missing.menuId} does not exist`);
  return byId;
}

/**
 * The option ids of each line that its menu's groups do not hold, after checking that every menu exists (404
 * MENU_NOT_FOUND first). Empty on every valid order: only then does placement look the ids up.
 */
export function findUnofferedOptions(body: CreateOrderDto, menus: OrderableMenu[]): UnofferedOption[] {
  const byId = menusById(body, menus);
  const unoffered: UnofferedOption[] = [];
  body.items.forEach((line, index) => {
    const menu = byId.get(line.menuId.toLowerCase()) as OrderableMenu;
    const offered = new Set(menu.groups.flatMap((g) => g.options.map((o) => o.id)));
    for (const optionId of line.optionIds ?? []) {
      if (!offered.has(optionId)) unoffered.push({ line: index, optionId, menuName: menu.name });
    }
  });
  return unoffered;
}

/**
 * The error for the unoffered options, given which of them are options of the store (`known`, with their
 * group's name): an id that is none of the store's is 404 OPTION_NOT_FOUND, before another menu's option is
 * 400 OPTION_SELECTION_INVALID.
 */
export function unofferedOptionError(
  unoffered: UnofferedOption[],
  known: Array<{ id: string; name: string; groupName: string }>,
): AppError {
  const byId = new Map(known.map((o) => [o.id.toLowerCase(), o]));
  const unknown = unoffered.find((u) => !byId.has(u.optionId));
  if (unknown) {
    return AppError.notFound(
      ErrorCode.OPTION_NOT_FOUND,
      `items.${unknown.line}: option ${unknown.optionId} does not exist`,
    );
  }
  const first = unoffered[0];
  const option = byId.get(first.optionId) as { name: string; groupName: string };
  return selectionInvalid(
    `items.${first.line}: option "${option.name}" of group "${option.groupName}" is not offered on menu "${first.menuName}"`,
  );
}

/**
 * The options a line chose, checked against its menu's groups: each at most once, between minSelect and
 * maxSelect per group (a group left out counts as 0), in the menu's group order then the options' order.
 * Sold-out options are reported by the caller after every line's selection has been checked.
 * Every id must be offered on the menu (see findUnofferedOptions).
 */
export function selectOptions(
  line: number,
  menu: OrderableMenu,
  optionIds: readonly string[],
): Array<OptionSnapshot & { isAvailable: boolean }> {
  const chosen = new Set<string>();
  for (const id of optionIds) {
    if (chosen.has(id)) {
      const group = menu.groups.find((g) => g.options.some((o) => o.id === id)) as OrderableGroup;
      const option = group.options.find((o) => o.id === id) as OrderableGroup['options'][number];
      throw selectionInvalid(
        `items.${line}: option "${option.name}" of group "${group.name}" is chosen more than once`,
      );
    }
    chosen.add(id);
  }
  const selected: Array<OptionSnapshot & { isAvailable: boolean }> = [];
  for (const group of menu.groups) {
    const inGroup = group.options.filter((o) => chosen.has(o.id));
    if (inGroup.length < group.minSelect) {
      throw selectionInvalid(
        `items.${line}: group "${group.name}" needs at least ${group.minSelect} option(s), ${inGroup.length} chosen`,
      );
    }
    if (inGroup.length > group.maxSelect) {
      throw selectionInvalid(
        `items.${line}: group "${group.name}" allows at most ${group.maxSelect} option(s), ${inGroup.length} chosen`,
      );
    }
    for (const o of inGroup) {
      selected.push({
        optionId: o.id,
        groupName: group.name,
        name: o.name,
        price: Number(o.price),
        isAvailable: o.isAvailable,
      });
    }
  }
  return selected;
}

/**
 * Snapshots each line: the menu's name and price, the chosen options (names, group names, prices) and the note;
 * `unitPrice` is the menu price plus the options' prices. Checks in this order, over all lines: unknown menu 404,
 * option selection 400, sold-out menu 409, sold-out option 409 (unoffered options are handled before this).
 */
export function priceLines(
  body: CreateOrderDto,
  menus: OrderableMenu[],
): { lines: Required<OrderLineSnapshot>[]; totalAmount: number } {
  const byId = menusById(body, menus);
  const selections = body.items.map((line, index) => {
    const menu = byId.get(line.menuId.toLowerCase()) as OrderableMenu;
    return { line, menu, options: selectOptions(index, menu, line.optionIds ?? []) };
  });
  const soldOutMenu = selections.find((s) => !s.menu.isAvailable);
  if (soldOutMenu) {
    const { menu } = soldOutMenu;
    throw AppError.conflict(ErrorCode.MENU_UNAVAILABLE, `menu ${menu.id} (${menu.name}) is sold out`);
  }
  selections.forEach((s, index) => {
    const soldOut = s.options.find((o) => !o.isAvailable);
    if (soldOut) {
      throw AppError.conflict(
        ErrorCode.OPTION_UNAVAILABLE,
        `items.${index}: option "${soldOut.name}" of group "${soldOut.groupName}" is sold out`,
      );
    }
  });
  const lines = selections.map(({ line, menu, options }) => {
    const menuPrice = Number(menu.price);
    return {
      menuId: menu.id,
      menuName: menu.name,
      menuPrice,
      options: options.map(({ optionId, groupName, name, price }) => ({ optionId, groupName, name, price })),
      note: line.note ?? null,
      unitPrice: options.reduce((sum, o) => sum + o.price, menuPrice),
      quantity: line.quantity,
    };
  });
  const totalAmount = lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  if (totalAmount > MAX_ORDER_TOTAL) {
    throw AppError.validation([
      { field: 'items', message: `the order total must not exceed ${MAX_ORDER_TOTAL} won` },
    ]);
  }
  return { lines, totalAmount };
}
