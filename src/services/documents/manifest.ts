/**
 * Reads a persisted-documents manifest and checks every entry before anything is stored:
 * each id must be the hash of its text, each text a valid executable document for the
 * hub's schema. One bad entry refuses the whole manifest, naming every entry at fault.
 *
 * Formats (what the usual tools write):
 * - GraphQL Code Generator, client preset with `persistedDocuments: true`:
 *   `persisted-documents.json`, `{ "sha256:<hex>": "<document>", … }`;
 * - Relay's persisted queries (`persistConfig.file`): `{ "<hex>": "<document>", … }`;
 * - Apollo's persisted query manifest (`generate-persisted-query-manifest`):
 *   `{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "body" }] }`.
 */
import {
  GraphQLError,
  Kind,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { DOCUMENT_ID_FORMS, hashDocument, parseDocumentId, type DocumentId } from './document-id';

export type ManifestFormat = 'client-preset or relay' | 'apollo';

export interface ManifestDocument {
  id: DocumentId;
  text: string;
  /** The operations' names (anonymous ones as `(anonymous)`), for messages and listings. */
  operations: string[];
}

export interface CheckedManifest {
  format: ManifestFormat;
  documents: ManifestDocument[];
}

/** The manifest is refused: `problems` names each entry at fault. Nothing was stored. */
export class ManifestError extends Error {
  constructor(readonly problems: string[]) {
    super(`manifest refused, nothing stored:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ManifestError';
  }
}

function entriesOf(json: unknown): { format: ManifestFormat; entries: [string, unknown][] } {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ManifestError(['not a JSON object (expected a map of id to document)']);
  const record = json as Record<string, unknown>;
  if (record.format === 'apollo-persisted-query-manifest') {
    if (record.version !== 1 || !Array.isArray(record.operations))
      throw new ManifestError(['an Apollo manifest must have version 1 and an operations array']);
    return {
      format: 'apollo',
      entries: (record.operations as unknown[]).map((op, i) => {
        const o = (op ?? {}) as { id?: unknown; body?: unknown };
        return [typeof o.id === 'string' ? o.id : `operations[${i}]`, o.body];
      }),
    };
  }
  return { format: 'client-preset or relay', entries: Object.entries(record) };
}

function operationNames(document: DocumentNode): string[] {
  return document.definitions.flatMap((d) =>
    d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? '(anonymous)'] : [],
  );
}

/** Parses and validates one document; its problems as sentences (none: it is fine). */
export function checkDocument(
  schema: GraphQLSchema,
  text: string,
): { document?: DocumentNode; problems: string[] } {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (err) {
    return { problems: [err instanceof GraphQLError ? err.message : 'cannot be parsed'] };
  }
  const problems = validate(schema, document, specifiedRules).map((e) => e.message);
  if (!problems.length && operationNames(document).length === 0)
    problems.push('contains no operation');
  return { document, problems };
}

/** Every document of the manifest, checked; throws ManifestError listing all problems. */
export function checkManifest(schema: GraphQLSchema, content: string): CheckedManifest {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (err) {
    throw new ManifestError([`not valid JSON (${err instanceof Error ? err.message : 'parse'})`]);
  }
  const { format, entries } = entriesOf(json);
  if (entries.length === 0) throw new ManifestError(['contains no documents']);
  const problems: string[] = [];
  const documents: ManifestDocument[] = [];
  const seen = new Set<string>();
  for (const [key, value] of entries) {
    const id = parseDocumentId(key);
    if (!id) {
      problems.push(`${key}: not a document id (${DOCUMENT_ID_FORMS})`);
      continue;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`${key}: the document is not a non-empty string`);
      continue;
    }
    if (hashDocument(value, id.algorithm) !== id.hex) {
      problems.push(
        `${key}: the id is not the ${id.algorithm} of its document ` +
          `(the document hashes to ${id.algorithm}:${hashDocument(value, id.algorithm)})`,
      );
      continue;
    }
    const checked = checkDocument(schema, value);
    if (checked.problems.length || !checked.document) {
      problems.push(`${key}: invalid against the hub's schema: ${checked.problems.join('; ')}`);
      continue;
    }
    if (seen.has(id.canonical)) continue;
    seen.add(id.canonical);
    documents.push({ id, text: value, operations: operationNames(checked.document) });
  }
  if (problems.length) throw new ManifestError(problems);
  return { format, documents };
}
