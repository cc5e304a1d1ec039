/** The manifest check behind `npm run documents -- register`: formats, ids, refusals. */
import { createHash } from 'node:crypto';
import { buildHubSchema } from '../../src/schema';
import { parseDocumentId } from '../../src/services/documents/document-id';
import { checkManifest, ManifestError } from '../../src/services/documents/manifest';

const schema = buildHubSchema();
const VIEWER = 'query Viewer { viewer { role } }';
const ORGS = 'query Orgs { organisations { id } }';
const hash = (algorithm: string, text: string) =>
  createHash(algorithm).update(text, 'utf8').digest('hex');

function problems(content: unknown): string[] {
  try {
    checkManifest(schema, typeof content === 'string' ? content : JSON.stringify(content));
  } catch (err) {
    if (err instanceof ManifestError) return err.problems;
    throw err;
  }
  return [];
}

test('document ids: sha256: prefix or bare hex by length, lower-cased; nothing else', () => {
  const hex = hash('sha256', VIEWER);
  expect(parseDocumentId(`sha256:${hex}`)?.canonical).toBe(`sha256:${hex}`);
  expect(parseDocumentId(hex.toUpperCase())?.canonical).toBe(`sha256:${hex}`);
  expect(parseDocumentId(hash('md5', VIEWER))?.algorithm).toBe('md5');
  expect(parseDocumentId(hash('sha1', VIEWER))?.algorithm).toBe('sha1');
  for (const bad of ['', 'sha256:', `sha256:${hex}0`, `md5:${hex}`, 'abc', `sha512:${hex}`])
    expect(parseDocumentId(bad)).toBeUndefined();
});

test('client preset (sha256: keys), Relay (md5 and sha1 hex) and Apollo manifests are read', () => {
  const preset = checkManifest(
    schema,
    JSON.stringify({ [`sha256:${hash('sha256', VIEWER)}`]: VIEWER }),
  );
  expect(preset.documents.map((d) => [d.id.canonical, d.operations])).toEqual([
    [`sha256:${hash('sha256', VIEWER)}`, ['Viewer']],
  ]);
  const relay = checkManifest(
    schema,
    JSON.stringify({ [hash('md5', VIEWER)]: VIEWER, [hash('sha1', ORGS)]: ORGS }),
  );
  expect(relay.documents.map((d) => d.id.canonical)).toEqual([
    `md5:${hash('md5', VIEWER)}`,
    `sha1:${hash('sha1', ORGS)}`,
  ]);
  const apollo = checkManifest(
    schema,
    JSON.stringify({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [{ id: hash('sha256', ORGS), name: 'Orgs', type: 'query', body: ORGS }],
    }),
  );
  expect(apollo.format).toBe('apollo');
  expect(apollo.documents[0].id.canonical).toBe(`sha256:${hash('sha256', ORGS)}`);
});

test('every entry at fault is named; one is enough to refuse the manifest', () => {
  const invalid = '{ viewer { nope } }';
  const found = problems({
    [`sha256:${hash('sha256', VIEWER)}`]: VIEWER,
    [`sha256:${hash('sha256', ORGS)}`]: `${ORGS} `,
    [hash('sha256', invalid)]: invalid,
    [hash('sha256', 'query {')]: 'query {',
    'not-an-id': VIEWER,
  });
  expect(found).toHaveLength(4);
  expect(found[0]).toMatch(/^sha256:[0-9a-f]{64}: the id is not the sha256 of its document/);
  expect(found[1]).toMatch(/invalid against the hub's schema: .*"nope"/);
  expect(found[2]).toMatch(/invalid against the hub's schema: Syntax Error/);
  expect(found[3]).toMatch(/^not-an-id: not a document id/);
});

test('not JSON, not a map, empty, or no operation: refused', () => {
  expect(problems('{')[0]).toMatch(/not valid JSON/);
  expect(problems([VIEWER])[0]).toMatch(/not a JSON object/);
  expect(problems({})[0]).toMatch(/contains no documents/);
  const fragmentOnly = 'fragment F on Viewer { role }';
  expect(problems({ [hash('sha256', fragmentOnly)]: fragmentOnly })[0]).toMatch(
    /invalid against the hub's schema/,
  );
});
