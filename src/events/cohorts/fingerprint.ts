/**
 * Which subscriptions may share one execution per event: the same document text, the same
 * variables where they affect rendering, and the same permission fingerprint.
 *
 * The fingerprint holds everything the policy reads about a subscriber while an event is
 * rendered. Audited from src/auth/policy.ts, policy-table.ts, services/persons/field-access.ts
 * and the field resolvers (referral, person, source, consent types):
 *  - role: OPERATION_ROLES (the root-field guard), PERSON_FIELD_RULES (every person field
 *    group), personScope, referralScope, REFERRAL_NOTE_ROLES (maySeeReferralNote: notes,
 *    plan goals, comments), consentListScope, referralParty.
 *  - organisation: personScope (the organisation's person_link rows), referralScope
 *    ('party'), maySeeIdentity (protected identity: only the owning district),
 *    decidePersonField ('deciding-district'), FieldAccess.consentScopes (consents naming the
 *    organisation as a party), maySeeReferralNote, the consents list filter.
 *  - organisation kind: referralScope of a partner system (a district's or job centre's
 *    own system sees its party's referrals, a city-wide one all). Derived from the
 *    organisation, kept explicitly so a change of the reference data cannot merge classes.
 *  - token scopes: no rule reads them today; in the fingerprint so that one that does
 *    later cannot leak between subscribers.
 *  - gateway: mayCallRootField for 'gateway' rules.
 *  - purpose: stated by the subscriber; sent to the sources (x-purpose) and logged.
 *  - subject (`sub`), only when the document reaches a type read from a source system
 *    (SOURCE_TYPES): no hub rule reads it, but a source request names who asks
 *    (x-requested-by) and the agency may apply its own rules to that person, so such a
 *    payload is shared only among subscriptions of the same user.
 * Not in it, and why that is safe: consents and protected identity are facts of the person,
 * read afresh for every event and compared with the organisation (so equal for everyone in
 * a cohort); today's date and the reference data are the same for all. Per subscriber and
 * handled by each member's own EventSubscription: token expiry, `after` and catch-up, the
 * filter, the bounded buffer.
 */
import {
  getNamedType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type ASTNode,
} from 'graphql';
import type { Viewer } from '../../auth/viewer';

/** Types whose data comes from an agency's system through a connector (SourceReader). */
export const SOURCE_TYPES: ReadonlySet<string> = new Set([
  'FinancialAidCase',
  'AssistanceDecision',
  'JobCentreEnrolment',
  'SfiEnrolment',
  'EmploymentServiceStatus',
]);

export interface Subscriber {
  viewer: Viewer;
  gateway: boolean;
  purpose: string;
}

export function permissionFingerprint(s: Subscriber, withSubject: boolean): string {
  const v = s.viewer;
  if (v.kind !== 'authenticated') return JSON.stringify(['anonymous', s.gateway, s.purpose]);
  return JSON.stringify([
    v.role,
    v.orgId,
    v.orgKind,
    [...v.scopes].sort(),
    s.gateway,
    s.purpose,
    withSubject ? v.sub : null,
  ]);
}

export interface DocumentShape {
  /** Variables used anywhere but in the arguments of the subscription's root field. */
  renderVariables: ReadonlySet<string>;
  /** The selection reaches data read from a source system. */
  readsSources: boolean;
}

/**
 * The root field's arguments (filter, after, districtId) choose which events a subscriber
 * receives — each member's own EventSubscription applies them — never how an event renders
 * (the root resolvers return the event as it is): variables used only there stay out of the
 * cohort key, so subscribers resuming from different cursors still share. A variable used
 * anywhere else (a directive, a nested argument), even on the root field, is in the key.
 */
export function documentShape(schema: GraphQLSchema, document: DocumentNode): DocumentShape {
  const subscription = schema.getSubscriptionType();
  const typeInfo = new TypeInfo(schema);
  const renderVariables = new Set<string>();
  let readsSources = false;
  let rootArgumentDepth = 0;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      VariableDefinition: () => false,
      Field: () => {
        if (SOURCE_TYPES.has(getNamedType(typeInfo.getType())?.name ?? '')) readsSources = true;
      },
      Argument: {
        enter(_node, _key, _parent, _path, ancestors) {
          // ancestors end with the node holding the arguments list (the list is `parent`).
          const owner = ancestors[ancestors.length - 1] as ASTNode | undefined;
          if (owner?.kind === Kind.FIELD && typeInfo.getParentType() === subscription)
            rootArgumentDepth++;
          else if (rootArgumentDepth > 0) rootArgumentDepth++;
        },
        leave() {
          if (rootArgumentDepth > 0) rootArgumentDepth--;
        },
      },
      Variable: (node) => {
        if (rootArgumentDepth === 0) renderVariables.add(node.name.value);
      },
    }),
  );
  return { renderVariables, readsSources };
}

/** JSON with sorted object keys: the same values give the same key whatever the order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

export function cohortKey(
  documentText: string,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  shape: DocumentShape,
  subscriber: Subscriber,
): string {
  const used: Record<string, unknown> = {};
  // Absent and null differ (an absent variable takes its default): absent stays absent.
  for (const name of shape.renderVariables)
    if (variables && name in variables) used[name] = variables[name];
  return stableJson([
    documentText,
    operationName ?? null,
    used,
    permissionFingerprint(subscriber, shape.readsSources),
  ]);
}
