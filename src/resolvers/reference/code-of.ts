import type { CodeRecord, ReferenceService } from '../../services/reference/reference-service';

/**
 * A stored code as a `Code`. A code missing from the reference data (a source ahead of
 * our lists) is still shown, with the code as its label, rather than failing the field.
 */
export function codeOf(
  reference: ReferenceService,
  list: string,
  code: string | null | undefined,
): CodeRecord | null {
  if (code === null || code === undefined) return null;
  return reference.code(list, code) ?? { list, code, label: code, active: false };
}
