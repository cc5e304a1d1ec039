/**
 * `npm run simulate -- --fault af:latency=2000,error-rate=0.3 --fault all:hang-rate=0.1`:
 * faults per agency from the command line, in the same terms as /admin/faults.
 */
import { SOURCE_NAMES, type SourceName } from '../connectors/types';
import { faultProblems, type Faults } from './agency-simulator';

/** The agency names a flag may use: the source names, `af` for short, and `all`. */
const AGENCY_ALIASES: Record<string, readonly SourceName[]> = {
  ...Object.fromEntries(SOURCE_NAMES.map((s) => [s, [s]])),
  af: ['arbetsformedlingen'],
  all: SOURCE_NAMES,
};

const FLAG_NAMES: Record<string, keyof Faults> = {
  latency: 'latencyMs',
  'error-rate': 'errorRate',
  'rate-429': 'rate429',
  'retry-after': 'retryAfterS',
  'hang-rate': 'hangRate',
  'reset-rate': 'resetRate',
};

export class FaultFlagError extends Error {}

export function parseFaultFlags(
  flags: readonly string[],
): Partial<Record<SourceName, Partial<Faults>>> {
  const out: Partial<Record<SourceName, Partial<Faults>>> = {};
  for (const flag of flags) {
    const [agency, settings] = flag.split(':', 2);
    const sources = AGENCY_ALIASES[agency];
    if (!sources || settings === undefined) {
      throw new FaultFlagError(
        `--fault ${flag}: expected AGENCY:name=value,… with AGENCY one of ${Object.keys(AGENCY_ALIASES).join(', ')}`,
      );
    }
    const update: Partial<Record<keyof Faults, number>> = {};
    for (const pair of settings.split(',').filter(Boolean)) {
      const [name, value] = pair.split('=', 2);
      const key = FLAG_NAMES[name];
      if (!key || value === undefined || value.trim() === '') {
        throw new FaultFlagError(
          `--fault ${flag}: "${pair}" is not one of ${Object.keys(FLAG_NAMES).join(', ')} =value`,
        );
      }
      update[key] = Number(value);
    }
    const problems = faultProblems(update);
    if (problems.length) throw new FaultFlagError(`--fault ${flag}: ${problems.join('; ')}`);
    for (const s of sources) out[s] = { ...out[s], ...update };
  }
  return out;
}
