/** Building blocks of the agencies' contract schemas (docs/connectors/*.v1.yaml). */
import { z } from 'zod';

/** A calendar date, `YYYY-MM-DD`. */
export const wireDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

/** An instant with its offset (RFC 3339), e.g. `2026-11-03T09:30:00.000Z`. */
export const wireInstant = z.iso.datetime({ offset: true });

/** The hub's person id, which every record carries. */
export const wirePersonId = z.uuid();
