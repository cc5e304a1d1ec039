import type { OrganisationKindName } from '../reference/reference-files';
import type { Role } from './roles';

/** Who is asking: the verified claims of a token, or nobody. */
export type Viewer = AuthenticatedViewer | AnonymousViewer;

export interface AuthenticatedViewer {
  kind: 'authenticated';
  sub: string;
  role: Role;
  orgId: string;
  /** Kind of that organisation (district, job centre, …), from the reference data. */
  orgKind: OrganisationKindName;
  scopes: string[];
  /** Token expiry (epoch seconds); open subscriptions end then. */
  expiresAt: number;
}

export interface AnonymousViewer {
  kind: 'anonymous';
}

export const ANONYMOUS: AnonymousViewer = { kind: 'anonymous' };
