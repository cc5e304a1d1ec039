/**
 * Who may see and book appointments. The booking system makes its own decision from the
 * user's verified JWT (the same token the hub verifies); it never trusts a role or an
 * organisation sent in any other way, nor anything else in an entity representation.
 *
 * The rule, deliberately small:
 * - a job centre's coach (role JOB_CENTRE_COACH, `org` a job centre) sees, books and
 *   cancels the appointments at that job centre, and no other;
 * - every other role sees no appointments: lists are empty, the coach-only root fields and
 *   mutations are FORBIDDEN;
 * - no token: UNAUTHENTICATED; a bad or expired token: UNAUTHENTICATED.
 */
import type { JwtVerifier } from '../auth/jwt-verifier';
import { ForbiddenError, UnauthenticatedError } from '../errors';
import { bundledReferenceFiles } from '../reference/reference-files';
import type { Appointment } from './store';

export const COACH_ROLE = 'JOB_CENTRE_COACH';

export interface Viewer {
  sub: string;
  role: string;
  org: string;
  /** The job centre whose appointments this viewer handles; null for every other viewer. */
  jobCentreId: string | null;
}

let jobCentres: ReadonlySet<string> | undefined;

/** The job centres of the bundled reference data (the hub's organisations file). */
export function jobCentreIds(): ReadonlySet<string> {
  jobCentres ??= new Set(
    bundledReferenceFiles()
      .organisations.data.organisations.filter((o) => o.kind === 'JOB_CENTRE')
      .map((o) => o.id),
  );
  return jobCentres;
}

/** The viewer of a request from its `authorization` header; null when there is none. */
export async function viewerFrom(
  verify: JwtVerifier,
  authorization: string | undefined,
): Promise<Viewer | null> {
  if (authorization === undefined || authorization === '') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match) throw new UnauthenticatedError('Invalid authorization header');
  const claims = await verify(match[1]);
  const role = typeof claims.role === 'string' ? claims.role : '';
  const org = typeof claims.org === 'string' ? claims.org : '';
  if (!role || !org) throw new UnauthenticatedError('Invalid token');
  const jobCentreId = role === COACH_ROLE && jobCentreIds().has(org) ? org : null;
  return { sub: claims.sub, role, org, jobCentreId };
}

export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw new UnauthenticatedError('Authentication required');
  return viewer;
}

/** The job centre of a coach; FORBIDDEN for any other viewer. */
export function requireCoach(viewer: Viewer | null): string {
  const v = requireViewer(viewer);
  if (!v.jobCentreId) throw new ForbiddenError('Only a job centre coach handles appointments');
  return v.jobCentreId;
}

export function canSee(viewer: Viewer, appointment: Appointment): boolean {
  return viewer.jobCentreId !== null && viewer.jobCentreId === appointment.jobCentreId;
}

/** The appointments of a list this viewer may see (an empty list for all but coaches). */
export function visible(viewer: Viewer, appointments: readonly Appointment[]): Appointment[] {
  return appointments.filter((a) => canSee(viewer, a));
}
