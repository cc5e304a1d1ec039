/**
 * The published agency contracts (docs/connectors/*.v1.yaml) against the code: each names
 * the path and answer the HTTP connector uses, requires the headers the hub sends, describes
 * exactly the fields the connector's schema (wire.ts) reads, and every answer the
 * simulators give for the demo data validates against it (JSON Schema 2020-12, as OpenAPI
 * 3.1 uses). So the documents cannot drift from what the hub and the simulators do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import type { z } from 'zod';
import { AF_CONTRACT } from '../../src/connectors/arbetsformedlingen/http';
import type { BatchContract } from '../../src/connectors/http/batch-connector';
import { JOBBTORG_CONTRACT } from '../../src/connectors/jobbtorg/http';
import { SFI_CONTRACT } from '../../src/connectors/sfi/http';
import { SOCIALTJANST_CONTRACT } from '../../src/connectors/socialtjanst/http';
import { SOURCE_NAMES, type SourceName } from '../../src/connectors/types';
import { generateDemoData } from '../../src/seed/generate';
import { afRecords } from '../../src/simulators/agencies/arbetsformedlingen';
import { jobbtorgRecords } from '../../src/simulators/agencies/jobbtorg';
import { sfiRecords } from '../../src/simulators/agencies/sfi';
import { socialtjanstRecords } from '../../src/simulators/agencies/socialtjanst';

interface OpenApi {
  openapi: string;
  info: { version: string };
  paths: Record<
    string,
    {
      post?: {
        parameters?: { name: string; in: string; required?: boolean }[];
        security?: unknown[];
        requestBody: unknown;
        responses: Record<string, unknown>;
      };
    }
  >;
  components: { schemas: Record<string, { required?: string[]; properties: object }> };
}

const CONTRACTS: Record<SourceName, BatchContract<{ personId: string }, unknown>> = {
  socialtjanst: SOCIALTJANST_CONTRACT,
  jobbtorg: JOBBTORG_CONTRACT,
  sfi: SFI_CONTRACT,
  arbetsformedlingen: AF_CONTRACT,
};
const RECORDS = {
  socialtjanst: socialtjanstRecords,
  jobbtorg: jobbtorgRecords,
  sfi: sfiRecords,
  arbetsformedlingen: afRecords,
};

const data = generateDemoData({ persons: 400, seed: 3 });
const load = (source: SourceName): OpenApi =>
  parse(
    readFileSync(join(__dirname, '..', '..', 'docs', 'connectors', `${source}.v1.yaml`), 'utf8'),
  ) as OpenApi;
const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

describe.each(SOURCE_NAMES)('%s contract', (source) => {
  const doc = load(source);
  const contract = CONTRACTS[source];
  const path = `/v1/${contract.resource}/batch`;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, 'contract');
  const answerSchema = () => {
    const validate = ajv.getSchema(
      `contract#/${pointer('paths', path, 'post', 'responses', '200', 'content', 'application/json', 'schema')}`,
    );
    if (!validate) throw new Error(`no 200 answer schema for ${path}`);
    return validate;
  };

  test('is OpenAPI 3.1, version 1, with the batch path the connector calls', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info.version).toMatch(/^1\./);
    expect(Object.keys(doc.paths)).toEqual([path]);
    expect(doc.paths[path].post?.security).toEqual([{ bearer: [] }]);
  });

  test('requires the headers the hub sends (purpose, correlation id, requester)', () => {
    const params = doc.paths[path].post?.parameters ?? [];
    const header = (name: string) => params.find((p) => p.in === 'header' && p.name === name);
    for (const name of ['x-purpose', 'x-correlation-id', 'x-requested-by']) {
      expect(header(name)?.required).toBe(true);
    }
    expect(header('x-case-reference')).toBeDefined();
  });

  test('describes exactly the fields the connector reads, all of them required', () => {
    const shape = (contract.item as unknown as z.ZodObject).shape;
    const [item] = Object.values(doc.components.schemas);
    expect(Object.keys(item.properties).sort()).toEqual(Object.keys(shape).sort());
    expect([...(item.required ?? [])].sort()).toEqual(Object.keys(shape).sort());
  });

  test('every simulator answer for the demo data validates against it', () => {
    const records = RECORDS[source](data);
    const items = data.persons.flatMap((p) => records.lookup(p.id));
    expect(items.length).toBeGreaterThan(50);
    const validate = answerSchema();
    const ok = validate({ [contract.listKey]: items });
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // …and the connector's own schema accepts the same answers.
    for (const item of items) expect(contract.item.safeParse(item).success).toBe(true);
  });

  test('an answer missing a field, or with a wrong type, does not validate', () => {
    const validate = answerSchema();
    const [item] = RECORDS[source](data).lookup(
      data.persons.find((p) => RECORDS[source](data).lookup(p.id).length > 0)!.id,
    ) as Record<string, unknown>[];
    const { personId: _dropped, ...withoutPerson } = item;
    expect(validate({ [contract.listKey]: [withoutPerson] })).toBe(false);
    expect(validate({ [contract.listKey]: [{ ...item, personId: 'not-a-uuid' }] })).toBe(false);
    expect(validate({})).toBe(false);
  });
});
