import { InitialSchema1763769600000 } from './1763769600000-InitialSchema';

/** Every migration, in order. Listed explicitly so the app, the CLI and the tests run exactly the same set. */
export const MIGRATIONS = [InitialSchema1763769600000];
