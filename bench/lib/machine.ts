/** The machine and versions a run measured on, recorded next to its figures. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import { startScriptNodeArgs } from './processes';

export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  loadAverage: number[];
  os: string;
  node: string;
  postgres: string;
  packages: Record<string, string>;
  commit: string;
  /** BENCH_* variables set for this run (they change sizes and durations). */
  overrides: Record<string, string>;
  /** The node flags the hub runs with, from its `npm start` (absent in older reports). */
  hubNodeArgs?: string[];
}

const PACKAGES = [
  '@apollo/server',
  'graphql',
  'type-graphql',
  'typeorm',
  'pg',
  'graphql-ws',
  'ws',
  'postgraphile',
  'grafast',
  'autocannon',
];

function installedVersion(name: string): string {
  try {
    const pkg = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'node_modules', name, 'package.json'), 'utf8'),
    ) as { version: string };
    return pkg.version;
  } catch {
    return 'not installed';
  }
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export async function machineInfo(db: Client): Promise<MachineInfo> {
  const { rows } = await db.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: rows[0].v,
    packages: Object.fromEntries(PACKAGES.map((p) => [p, installedVersion(p)])),
    commit: gitCommit(),
    hubNodeArgs: startScriptNodeArgs(),
    overrides: Object.fromEntries(
      Object.entries(process.env).filter(
        (e): e is [string, string] =>
          e[0].startsWith('BENCH_') && !e[0].includes('URL') && e[1] !== undefined,
      ),
    ),
  };
}
