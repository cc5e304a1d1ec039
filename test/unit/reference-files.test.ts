import {
  bundledReferenceFiles,
  parseCodeLists,
  parseOrganisations,
  type CodeListsFile,
  type OrganisationsFile,
} from '../../src/reference/reference-files';

// Independent expectation: the routing table of ../shared/DOMAIN.md (district → default job centre).
const DOMAIN_ROUTING: Record<string, string> = {
  'rinkeby-kista': 'jobbtorg-jarva',
  'spanga-tensta': 'jobbtorg-jarva',
  'hasselby-vallingby': 'jobbtorg-vasterort',
  bromma: 'jobbtorg-vasterort',
  kungsholmen: 'jobbtorg-innerstaden',
  norrmalm: 'jobbtorg-innerstaden',
  ostermalm: 'jobbtorg-innerstaden',
  sodermalm: 'jobbtorg-innerstaden',
  'enskede-arsta-vantor': 'jobbtorg-sydost',
  farsta: 'jobbtorg-sydost',
  skarpnack: 'jobbtorg-sydost',
  skarholmen: 'jobbtorg-sydvast',
  'hagersten-alvsjo': 'jobbtorg-sydvast',
};

const DOMAIN_JOB_CENTRES = [
  'jobbtorg-jarva',
  'jobbtorg-vasterort',
  'jobbtorg-innerstaden',
  'jobbtorg-sydost',
  'jobbtorg-sydvast',
];

const DOMAIN_SUPPORT_BARRIERS = [
  ...Array.from({ length: 19 }, (_, i) => String(i + 1).padStart(2, '0')),
  '22',
  '23',
  '24',
  '30',
  '40',
];

/** A deep copy of the bundled raw data to mutate in a test. */
function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function validOrganisations(): OrganisationsFile {
  return {
    version: 'test-1',
    organisations: [
      { id: 'jobbtorg-a', kind: 'JOB_CENTRE', name: 'Jobbtorg A', shortName: 'A' },
      {
        id: 'district-a',
        kind: 'DISTRICT',
        name: 'District A',
        shortName: 'DA',
        defaultJobCentreId: 'jobbtorg-a',
      },
      { id: 'sfi-a', kind: 'SFI_PROVIDER', name: 'SFI A', shortName: 'SA', location: 'Kista' },
    ],
  };
}

function validCodeLists(): CodeListsFile {
  return {
    version: 'test-1',
    lists: {
      supportBarrier: {
        description: 'Support barrier',
        codes: [
          { code: '01', label: 'Arbetslös' },
          { code: '02', label: 'Arbetslös utan ersättning' },
        ],
      },
    },
  };
}

describe('bundled reference files', () => {
  const { organisations, codeLists } = bundledReferenceFiles();
  const orgs = organisations.data.organisations;
  const districts = orgs.filter((o) => o.kind === 'DISTRICT');
  const jobCentres = orgs.filter((o) => o.kind === 'JOB_CENTRE');

  it('parse, with a version, a name and a sha256 checksum', () => {
    expect(organisations.name).toBe('organisations');
    expect(codeLists.name).toBe('code-lists');
    expect(organisations.data.version).not.toBe('');
    expect(codeLists.data.version).not.toBe('');
    expect(organisations.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(codeLists.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('have exactly the 13 districts of DOMAIN.md', () => {
    expect(districts).toHaveLength(13);
    expect(districts.map((d) => d.id).sort()).toEqual(Object.keys(DOMAIN_ROUTING).sort());
  });

  it.each(Object.entries(DOMAIN_ROUTING))(
    'district %s goes to %s by default',
    (district, jobCentre) => {
      expect(districts.find((d) => d.id === district)?.defaultJobCentreId).toBe(jobCentre);
    },
  );

  it('have exactly the 5 job centres of DOMAIN.md', () => {
    expect(jobCentres).toHaveLength(5);
    expect(jobCentres.map((j) => j.id).sort()).toEqual([...DOMAIN_JOB_CENTRES].sort());
  });

  it('every job centre serves at least one district', () => {
    for (const jc of DOMAIN_JOB_CENTRES)
      expect(districts.some((d) => d.defaultJobCentreId === jc)).toBe(true);
  });

  it('have unique organisation ids and only districts route', () => {
    expect(new Set(orgs.map((o) => o.id)).size).toBe(orgs.length);
    for (const o of orgs.filter((x) => x.kind !== 'DISTRICT'))
      expect(o.defaultJobCentreId).toBeUndefined();
  });

  it('have a city administration for the city-wide roles', () => {
    expect(orgs.some((o) => o.kind === 'CITY_ADMINISTRATION')).toBe(true);
  });

  it('have the support barrier codes of DOMAIN.md, in order', () => {
    const codes = codeLists.data.lists.supportBarrier.codes.map((c) => c.code);
    expect(codes).toEqual(DOMAIN_SUPPORT_BARRIERS);
    expect(codes).toHaveLength(24);
  });

  it('label support barriers as in DOMAIN.md (spot checks)', () => {
    const label = (code: string) =>
      codeLists.data.lists.supportBarrier.codes.find((c) => c.code === code)?.label;
    expect(label('01')).toBe('Arbetslös med ersättning från A-kassa/Alfa');
    expect(label('10')).toBe('SFI-studerande');
    expect(label('40')).toBe('Utlänning med ersättning enligt LMA');
  });

  it('have the code lists API.md names', () => {
    const names = Object.keys(codeLists.data.lists);
    for (const name of [
      'supportBarrier',
      'interventionType',
      'closureReason',
      'returnReason',
      'targetGroup',
      'afCategory',
      'afProgramme',
    ])
      expect(names).toContain(name);
  });

  it('are stable: parsing twice gives the same checksum', () => {
    const again = bundledReferenceFiles();
    expect(again.organisations.checksum).toBe(organisations.checksum);
    expect(again.codeLists.checksum).toBe(codeLists.checksum);
  });
});

describe('parseOrganisations', () => {
  it('accepts a valid file', () => {
    const parsed = parseOrganisations(validOrganisations());
    expect(parsed.data.organisations).toHaveLength(3);
    expect(parsed.data.organisations[1].defaultJobCentreId).toBe('jobbtorg-a');
  });

  it('rejects a district without defaultJobCentreId', () => {
    const raw = validOrganisations();
    delete raw.organisations[1].defaultJobCentreId;
    expect(() => parseOrganisations(raw)).toThrow(/organisations\.json.*district-a/s);
  });

  it('rejects a defaultJobCentreId pointing at a non-job-centre', () => {
    const raw = validOrganisations();
    raw.organisations[1].defaultJobCentreId = 'sfi-a';
    expect(() => parseOrganisations(raw)).toThrow(/district-a/);
  });

  it('rejects a defaultJobCentreId pointing at nothing', () => {
    const raw = validOrganisations();
    raw.organisations[1].defaultJobCentreId = 'jobbtorg-missing';
    expect(() => parseOrganisations(raw)).toThrow(/district-a/);
  });

  it('rejects a defaultJobCentreId on something that is not a district', () => {
    const raw = validOrganisations();
    raw.organisations[2].defaultJobCentreId = 'jobbtorg-a';
    expect(() => parseOrganisations(raw)).toThrow(/sfi-a/);
  });

  it('rejects duplicate ids', () => {
    const raw = validOrganisations();
    raw.organisations.push({ ...raw.organisations[2], name: 'Another SFI' });
    expect(() => parseOrganisations(raw)).toThrow(/duplicate/);
  });

  it.each(['Jobbtorg-A', 'district_a', 'district a', '-district', 'district-', 'å-district'])(
    'rejects the id %p',
    (badId) => {
      const raw = validOrganisations();
      raw.organisations[2].id = badId;
      expect(() => parseOrganisations(raw)).toThrow(/organisations\.json/);
    },
  );

  it('rejects an unknown kind and a missing name', () => {
    const unknownKind = clone(validOrganisations()) as unknown as {
      organisations: Record<string, unknown>[];
    };
    unknownKind.organisations[2].kind = 'SCHOOL';
    expect(() => parseOrganisations(unknownKind)).toThrow();
    const noName = validOrganisations();
    noName.organisations[2].name = '';
    expect(() => parseOrganisations(noName)).toThrow();
  });

  it('rejects something that is not a file at all', () => {
    expect(() => parseOrganisations(null)).toThrow(/organisations\.json/);
    expect(() => parseOrganisations({ organisations: [] })).toThrow(/version/);
  });

  it('the checksum changes when content changes', () => {
    const a = parseOrganisations(validOrganisations());
    const b = parseOrganisations(validOrganisations());
    expect(b.checksum).toBe(a.checksum);
    const changed = validOrganisations();
    changed.organisations[2].name = 'SFI A (renamed)';
    expect(parseOrganisations(changed).checksum).not.toBe(a.checksum);
    const bumped = validOrganisations();
    bumped.version = 'test-2';
    expect(parseOrganisations(bumped).checksum).not.toBe(a.checksum);
  });
});

describe('parseCodeLists', () => {
  it('accepts a valid file', () => {
    expect(parseCodeLists(validCodeLists()).data.lists.supportBarrier.codes).toHaveLength(2);
  });

  it('rejects duplicate codes in a list', () => {
    const raw = validCodeLists();
    raw.lists.supportBarrier.codes.push({ code: '01', label: 'Again' });
    expect(() => parseCodeLists(raw)).toThrow(/code-lists\.json.*duplicate code/s);
  });

  it('allows the same code in different lists', () => {
    const raw = validCodeLists();
    raw.lists.afCategory = { description: 'AF category', codes: [{ code: '01', label: 'x' }] };
    expect(() => parseCodeLists(raw)).not.toThrow();
  });

  it.each(['0 1', ' 01', '01\t', ''])('rejects the code %p', (badCode) => {
    const raw = validCodeLists();
    raw.lists.supportBarrier.codes[1].code = badCode;
    expect(() => parseCodeLists(raw)).toThrow(/code-lists\.json/);
  });

  it('rejects an empty list, an empty label and a bad list name', () => {
    const empty = validCodeLists();
    empty.lists.supportBarrier.codes = [];
    expect(() => parseCodeLists(empty)).toThrow();
    const noLabel = validCodeLists();
    noLabel.lists.supportBarrier.codes[0].label = '';
    expect(() => parseCodeLists(noLabel)).toThrow();
    const badName = validCodeLists();
    badName.lists['Support-Barrier'] = badName.lists.supportBarrier;
    expect(() => parseCodeLists(badName)).toThrow();
  });

  it('the checksum changes when content changes', () => {
    const a = parseCodeLists(validCodeLists());
    expect(parseCodeLists(validCodeLists()).checksum).toBe(a.checksum);
    const relabelled = validCodeLists();
    relabelled.lists.supportBarrier.codes[0].label = 'Arbetslös (ny text)';
    expect(parseCodeLists(relabelled).checksum).not.toBe(a.checksum);
    const reordered = validCodeLists();
    reordered.lists.supportBarrier.codes.reverse();
    expect(parseCodeLists(reordered).checksum).not.toBe(a.checksum);
  });
});
