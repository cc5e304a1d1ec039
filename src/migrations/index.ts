import { ReferenceData1795334400000 } from './1795334400000-reference-data';

/** Migrations in order. Listed explicitly so the same list works from src/ and dist/. */
export const migrations = [ReferenceData1795334400000];
