/**
 * Helpers for tests of the event subscriptions: graphql-ws clients that record what they
 * receive (with bounded waits), GraphQL over HTTP against any hub URL, the open-subscription
 * count from /metrics, and a driver for the referral workflow mutations.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface FormattedError {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/** The fields every test subscription selects. */
export const EVENT_FIELDS =
  'id cursor type occurredAt referralId districtId jobCentreId referral { id status version }';

export interface ReceivedEvent {
  id: string;
  cursor: string;
  type: string;
  occurredAt: string;
  referralId: string;
  districtId: string;
  jobCentreId: string;
  referral: { id: string; status: string; version: number } | null;
}

export function wsUrl(httpUrl: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}/graphql`;
}

export function wsClient(httpUrl: string, token?: string): Client {
  return createClient({
    url: wsUrl(httpUrl),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
  });
}

/** Polls `condition` until it holds; rejects after `timeoutMs` with `describe()` in the message. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  describe: () => string,
  timeoutMs = 5000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One GraphQL subscription over graphql-ws, recording everything it receives. */
export class RecordedSubscription<T = ReceivedEvent> {
  readonly items: T[] = [];
  /** GraphQL errors: an `error` message, or a `next` carrying errors. */
  errors: FormattedError[] | null = null;
  /** A transport-level failure (close event or Error). */
  failure: unknown = null;
  completed = false;
  private readonly dispose: () => void;

  constructor(
    client: Client,
    readonly label: string,
    query: string,
    variables: Record<string, unknown>,
    private readonly field: string,
  ) {
    this.dispose = client.subscribe<Record<string, T>>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors) this.errors = result.errors as FormattedError[];
          const value = result.data?.[this.field];
          if (value) this.items.push(value);
        },
        error: (err) => {
          if (Array.isArray(err)) this.errors = err as FormattedError[];
          else this.failure = err;
        },
        complete: () => {
          this.completed = true;
        },
      },
    );
  }

  get ended(): boolean {
    return this.completed || this.errors !== null || this.failure !== null;
  }

  describe(): string {
    return `${this.label}: ${this.items.length} received, errors=${JSON.stringify(
      this.errors,
    )}, failure=${String(this.failure)}, completed=${this.completed}`;
  }

  waitFor(condition: (s: this) => boolean, timeoutMs = 5000): Promise<void> {
    return waitUntil(
      () => {
        if (condition(this)) return true;
        if (this.failure) throw new Error(`${this.describe()}`);
        return false;
      },
      () => this.describe(),
      timeoutMs,
    );
  }

  waitForCount(n: number, timeoutMs = 5000): Promise<void> {
    return this.waitFor((s) => s.items.length >= n || s.ended, timeoutMs).then(() => {
      if (this.items.length < n) throw new Error(`ended early: ${this.describe()}`);
    });
  }

  waitForEnd(timeoutMs = 5000): Promise<void> {
    return this.waitFor((s) => s.ended, timeoutMs);
  }

  stop(): void {
    this.dispose();
  }
}

export function subscribeEvents(
  client: Client,
  label: string,
  args: { filter?: Record<string, unknown>; after?: string | null } = {},
): RecordedSubscription {
  return new RecordedSubscription(
    client,
    label,
    `subscription ($filter: EventFilter, $after: String) {
       referralEvents(filter: $filter, after: $after) { ${EVENT_FIELDS} }
     }`,
    { filter: args.filter ?? null, after: args.after ?? null },
    'referralEvents',
  );
}

export function subscribeReturned(
  client: Client,
  label: string,
  args: { districtId?: string | null; after?: string | null } = {},
): RecordedSubscription {
  return new RecordedSubscription(
    client,
    label,
    `subscription ($districtId: ID, $after: String) {
       referralReturned(districtId: $districtId, after: $after) { ${EVENT_FIELDS} }
     }`,
    { districtId: args.districtId ?? null, after: args.after ?? null },
    'referralReturned',
  );
}

export interface GraphQLBody<T> {
  data?: T | null;
  errors?: FormattedError[];
}

export async function gqlAt<T = Record<string, unknown>>(
  httpUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLBody<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${httpUrl}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLBody<T>;
}

/** Open event subscriptions on the hub at `httpUrl`, from its /metrics. */
export async function openEventSubscriptions(httpUrl: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const match = /^hub_event_subscribers (\d+)/m.exec(text);
  if (!match) throw new Error('/metrics has no hub_event_subscribers gauge');
  return Number(match[1]);
}

/** Waits until the hub has exactly `n` open event subscriptions (registered with its dispatcher). */
export function waitForOpenSubscriptions(httpUrl: string, n: number, timeoutMs = 5000) {
  let last = -1;
  return waitUntil(
    async () => (last = await openEventSubscriptions(httpUrl)) === n,
    () => `expected ${n} open event subscriptions, have ${last}`,
    timeoutMs,
  );
}

export interface EventNode {
  id: string;
  type: string;
  referralId: string;
  districtId: string;
  jobCentreId: string;
}

export interface EventEdgeResult {
  cursor: string;
  node: EventNode;
}

/** Every event after `after` the token may see (paged through `events`). */
export async function allEvents(
  httpUrl: string,
  token: string,
  args: { after?: string | null; filter?: Record<string, unknown>; pageSize?: number } = {},
): Promise<EventEdgeResult[]> {
  const out: EventEdgeResult[] = [];
  let after = args.after ?? null;
  for (;;) {
    const res = await gqlAt<{
      events: {
        edges: EventEdgeResult[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    }>(
      httpUrl,
      `query ($after: String, $first: Int, $filter: EventFilter) {
         events(after: $after, first: $first, filter: $filter) {
           edges { cursor node { id type referralId districtId jobCentreId } }
           pageInfo { hasNextPage endCursor }
         }
       }`,
      { after, first: args.pageSize ?? 500, filter: args.filter ?? null },
      token,
    );
    if (res.errors || !res.data) throw new Error(`events failed: ${JSON.stringify(res.errors)}`);
    out.push(...res.data.events.edges);
    if (!res.data.events.pageInfo.hasNextPage) return out;
    after = res.data.events.pageInfo.endCursor;
  }
}

export interface ReferralRef {
  id: string;
  version: number;
  status: string;
}

const REFERRAL_FIELDS = 'id version status';

/** Drives the referral workflow over HTTP as a district caseworker and a job-centre coach. */
export class ReferralDriver {
  constructor(
    private readonly httpUrl: string,
    private readonly districtToken: string,
    private readonly coachToken: string,
  ) {}

  private async mutate(
    token: string,
    mutation: string,
    input: Record<string, unknown>,
  ): Promise<ReferralRef> {
    const inputType = `${mutation.charAt(0).toUpperCase()}${mutation.slice(1)}Input`;
    const res = await gqlAt<Record<string, ReferralRef>>(
      this.httpUrl,
      `mutation ($input: ${inputType}!) { ${mutation}(input: $input) { ${REFERRAL_FIELDS} } }`,
      { input },
      token,
    );
    const value = res.data?.[mutation];
    if (res.errors || !value)
      throw new Error(`${mutation} failed: ${JSON.stringify(res.errors ?? res.data)}`);
    return value;
  }

  create(personId: string, note?: string): Promise<ReferralRef> {
    return this.mutate(this.districtToken, 'createReferral', {
      personId,
      targetGroup: 'ARBETSLOS',
      supportBarrier: '02',
      firstAppointmentAt: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
      ...(note === undefined ? {} : { note }),
    });
  }

  accept(r: ReferralRef): Promise<ReferralRef> {
    return this.mutate(this.coachToken, 'acceptReferral', {
      id: r.id,
      expectedVersion: r.version,
    });
  }

  registerFirstVisit(r: ReferralRef): Promise<ReferralRef> {
    return this.mutate(this.coachToken, 'registerFirstVisit', {
      id: r.id,
      expectedVersion: r.version,
      visitedAt: new Date(Date.now() - 60 * 1000).toISOString(),
    });
  }

  returnReferral(r: ReferralRef): Promise<ReferralRef> {
    return this.mutate(this.coachToken, 'returnReferral', {
      id: r.id,
      expectedVersion: r.version,
      reason: 'SJUKSKRIVEN',
    });
  }

  close(r: ReferralRef): Promise<ReferralRef> {
    return this.mutate(this.coachToken, 'closeReferral', {
      id: r.id,
      expectedVersion: r.version,
      reason: 'STUDIER',
    });
  }

  withdraw(r: ReferralRef): Promise<ReferralRef> {
    return this.mutate(this.districtToken, 'withdrawReferral', {
      id: r.id,
      expectedVersion: r.version,
      reason: 'Flyttat',
    });
  }
}
