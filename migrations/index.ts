import { InitialSchema1763769600000 } from './1763769600000-InitialSchema';
import { MenuOptions1764547200000 } from './1764547200000-MenuOptions';
import { StaffCallsAndTableMoves1764633600000 } from './1764633600000-StaffCallsAndTableMoves';
import { MenuThumbnails1764720000000 } from './1764720000000-MenuThumbnails';
import { SessionTotals1764806400000 } from './1764806400000-SessionTotals';

/** Every migration, in order. Listed explicitly so the app, the CLI and the tests run exactly the same set. */
export const MIGRATIONS = [
  InitialSchema1763769600000,
  MenuOptions1764547200000,
  StaffCallsAndTableMoves1764633600000,
  MenuThumbnails1764720000000,
  SessionTotals1764806400000,
];
