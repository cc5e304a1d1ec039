/**
 * The versioned reference files under reference/data and their expected shape.
 * Cities reorganise and code lists change: edit the JSON, bump its version, restart.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import codeListsJson from './data/code-lists.json';
import organisationsJson from './data/organisations.json';

export const ORGANISATION_KINDS = [
  'DISTRICT',
  'JOB_CENTRE',
  'SFI_PROVIDER',
  'EMPLOYMENT_SERVICE_OFFICE',
  'CITY_ADMINISTRATION',
  'PARTNER',
] as const;
export type OrganisationKindName = (typeof ORGANISATION_KINDS)[number];

const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'ids are lowercase kebab-case');

const organisationsFile = z
  .object({
    version: z.string().min(1),
    organisations: z.array(
      z.object({
        id,
        kind: z.enum(ORGANISATION_KINDS),
        name: z.string().min(1),
        shortName: z.string().min(1),
        location: z.string().optional(),
        defaultJobCentreId: id.optional(),
      }),
    ),
  })
  .superRefine((file, ctx) => {
    const byId = new Map(file.organisations.map((o) => [o.id, o]));
    if (byId.size !== file.organisations.length)
      ctx.addIssue({ code: 'custom', message: 'duplicate organisation id' });
    for (const o of file.organisations) {
      if (o.kind === 'DISTRICT') {
        const target = o.defaultJobCentreId ? byId.get(o.defaultJobCentreId) : undefined;
        if (target?.kind !== 'JOB_CENTRE') {
          ctx.addIssue({
            code: 'custom',
            message: `district ${o.id} needs a defaultJobCentreId naming a job centre`,
          });
        }
      } else if (o.defaultJobCentreId) {
        ctx.addIssue({
          code: 'custom',
          message: `${o.id}: only districts have a defaultJobCentreId`,
        });
      }
    }
  });

const codeListsFile = z.object({
  version: z.string().min(1),
  lists: z.record(
    z.string().regex(/^[a-z][A-Za-z0-9]*$/),
    z.object({
      description: z.string().min(1),
      codes: z
        .array(z.object({ code: z.string().regex(/^\S+$/), label: z.string().min(1) }))
        .min(1)
        .refine(
          (codes) => new Set(codes.map((c) => c.code)).size === codes.length,
          'duplicate code',
        ),
    }),
  ),
});

export type OrganisationsFile = z.infer<typeof organisationsFile>;
export type CodeListsFile = z.infer<typeof codeListsFile>;

export interface ReferenceFile<T> {
  name: string;
  data: T;
  checksum: string;
}

function checksum(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** Validates raw file content; throws with the file name and the first problems. */
export function parseOrganisations(raw: unknown): ReferenceFile<OrganisationsFile> {
  const result = organisationsFile.safeParse(raw);
  if (!result.success) throw new Error(`organisations.json: ${z.prettifyError(result.error)}`);
  return { name: 'organisations', data: result.data, checksum: checksum(raw) };
}

export function parseCodeLists(raw: unknown): ReferenceFile<CodeListsFile> {
  const result = codeListsFile.safeParse(raw);
  if (!result.success) throw new Error(`code-lists.json: ${z.prettifyError(result.error)}`);
  return { name: 'code-lists', data: result.data, checksum: checksum(raw) };
}

/** The files shipped with this build. */
export function bundledReferenceFiles(): {
  organisations: ReferenceFile<OrganisationsFile>;
  codeLists: ReferenceFile<CodeListsFile>;
} {
  return {
    organisations: parseOrganisations(organisationsJson),
    codeLists: parseCodeLists(codeListsJson),
  };
}
