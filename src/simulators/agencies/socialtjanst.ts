/**
 * The district case system's assistance cases from the demo data, in the v1 contract's
 * shape: per person the active case, else the latest, with its decisions latest first.
 */
import type { AssistanceCaseWire } from '../../connectors/socialtjanst/wire';
import { SOCIALTJANST_LIST_KEY, SOCIALTJANST_RESOURCE } from '../../connectors/socialtjanst/wire';
import type { AssistanceCaseRow, DemoData } from '../../seed/generate';
import type { AgencyRecords } from '../agency-simulator';
import { byPerson, compareDesc, groupBy, latestFirst } from './order';

/** Active before closed, then the latest period first. */
function currentCase(cases: AssistanceCaseRow[]): AssistanceCaseRow {
  return [...cases].sort(
    (a, b) =>
      Number(b.status === 'ACTIVE') - Number(a.status === 'ACTIVE') ||
      compareDesc(a.periodStart, b.periodStart),
  )[0];
}

export function socialtjanstRecords(data: DemoData): AgencyRecords {
  const decisions = groupBy(data.decisions, (d) => d.caseId);
  const cases = new Map<string, AssistanceCaseWire>();
  for (const [personId, list] of byPerson(data.assistanceCases)) {
    const c = currentCase(list);
    cases.set(personId, {
      personId,
      caseId: c.id,
      districtId: c.districtId,
      caseworker: c.caseworker,
      status: c.status,
      periodStart: c.periodStart,
      periodEnd: c.periodEnd,
      supportBarrier: c.supportBarrier,
      targetGroup: c.targetGroup,
      decisions: latestFirst(decisions.get(c.id) ?? [], (d) => d.month).map((d) => ({
        month: d.month,
        outcome: d.outcome,
        amount: d.amount,
      })),
    });
  }
  return {
    source: 'socialtjanst',
    resource: SOCIALTJANST_RESOURCE,
    listKey: SOCIALTJANST_LIST_KEY,
    lookup: (id) => {
      const c = cases.get(id);
      return c ? [c] : [];
    },
    size: cases.size,
  };
}
