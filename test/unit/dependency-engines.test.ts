/**
 * The hub runs on Node.js 20: every installed package must declare that it does too, so a
 * dependency bump that needs a newer Node fails here rather than at a user's `npm ci` (or
 * under `engine-strict`). The lockfile records each package's declared `engines`.
 *
 * Packages that declare Node 22 while the hub still uses them are listed below with the
 * reason; `package.json`'s `overrides` hold the others at their last Node 20 releases
 * (docs/architecture.md, "Node 20 and the packages' engines").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minVersion, satisfies } from 'semver';

const ROOT = join(__dirname, '..', '..');

// Declared Node >= 22 with no Node 20 release of the same major; none uses a Node 22 API in
// what the hub runs (the playground suites and the bench run them on Node 20).
const KNOWN_EXCEPTIONS = new Map<string, string>([
  // The playground: ruru's HTML builder and static file server, and the config loader it needs.
  ['ruru', 'playground'],
  ['ruru-types', 'playground'],
  ['graphile-config', 'playground'],
  // PostGraphile 5, the benchmark's peer (a development dependency only).
  ['postgraphile', 'bench peer'],
  ['grafast', 'bench peer'],
  ['grafserv', 'bench peer'],
  ['graphile-build', 'bench peer'],
  ['graphile-build-pg', 'bench peer'],
  ['graphile-utils', 'bench peer'],
  ['pg-introspection', 'bench peer'],
  ['pg-sql2', 'bench peer'],
  ['tamedevil', 'bench peer'],
  ['@dataplan/json', 'bench peer'],
  ['@dataplan/pg', 'bench peer'],
  ['@graphile/lru', 'bench peer'],
]);

interface LockEntry {
  version?: string;
  dev?: boolean;
  engines?: { node?: string } | string[];
}

function lockPackages(): Map<string, LockEntry> {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  return new Map(Object.entries(lock.packages).filter(([path]) => path !== ''));
}

/** The package name from a lockfile path such as node_modules/a/node_modules/@b/c. */
function packageName(path: string): string {
  return path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

function declaredNode(entry: LockEntry): string | undefined {
  return Array.isArray(entry.engines) ? undefined : entry.engines?.node;
}

const hubNode = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
).engines.node;
// The oldest Node the hub itself declares: each package must accept it.
const oldestNode = minVersion(hubNode)!.version;

/** Installed packages whose declared Node range leaves out the oldest Node the hub declares. */
function refusingPackages(): { name: string; version?: string; range: string }[] {
  return [...lockPackages()].flatMap(([path, entry]) => {
    const range = declaredNode(entry);
    return range !== undefined && !satisfies(oldestNode, range)
      ? [{ name: packageName(path), version: entry.version, range }]
      : [];
  });
}

describe('dependency engines', () => {
  it('the hub declares Node 20', () => {
    expect(oldestNode.startsWith('20.')).toBe(true);
  });

  it('every installed package accepts the oldest Node the hub declares, but the listed exceptions', () => {
    const unexpected = refusingPackages()
      .filter(({ name }) => !KNOWN_EXCEPTIONS.has(name))
      .map(({ name, version, range }) => `${name}@${version} (node ${range})`);
    expect(unexpected).toEqual([]);
  });

  it('the hub runs no bench-peer exception: those are development dependencies only', () => {
    const peers = [...KNOWN_EXCEPTIONS].filter(([, why]) => why === 'bench peer').map(([n]) => n);
    const atRuntime = [...lockPackages()]
      .filter(([path, entry]) => peers.includes(packageName(path)) && entry.dev !== true)
      .map(([path]) => path);
    expect(atRuntime).toEqual([]);
  });

  it('lists no exception that no longer refuses Node 20 (the list stays current)', () => {
    const stillRefusing = new Set(refusingPackages().map(({ name }) => name));
    expect([...KNOWN_EXCEPTIONS.keys()].filter((name) => !stillRefusing.has(name))).toEqual([]);
  });
});
