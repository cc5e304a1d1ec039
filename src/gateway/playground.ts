/**
 * The gateway's playground: the same offline IDE as the hub's (Ruru, assets from the
 * installed package), opened on an operation that crosses both subgraphs, so a developer
 * sees the supergraph at work. Not served in production. A token goes in the IDE's headers
 * (`{"authorization": "Bearer …"}`); `npm run token` prints one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ruruHTML, type RuruServerConfig } from 'ruru/server';
import { serveStatic } from 'ruru/static';

const STATIC_PATH = '/playground/static/';

/** One operation per subgraph boundary it shows; validated against the supergraph in tests. */
export const GATEWAY_PLAYGROUND_EXAMPLES = `# samverkan-hub supergraph — the hub and the job centre's appointment booking behind one
# gateway. Put a coach's token in the headers below, e.g. from
#   npm run token -- --role JOB_CENTRE_COACH --org jobbtorg-sydvast
# as {"authorization": "Bearer <token>"}.

# A coach's caseload across both subgraphs: referrals and persons come from the hub (under
# its policy, consent and access log), appointments from the booking subgraph.
query CoachCaseloadWithAppointments {
  referrals(first: 10, filter: { status: [ACCEPTED, ENROLLED, ACTIVE] }) {
    edges { node {
      id status firstAppointmentAt
      person { id givenName familyName upcomingAppointments { id at kind status } }
      appointments { id at kind status jobCentre { name } }
    } }
  }
}

# Referral events through the gateway, each with the referral's booked appointments.
subscription ReferralEventsWithAppointments($after: String) {
  referralEvents(after: $after) {
    id cursor type occurredAt
    referral { id status appointments { at kind status } }
  }
}
`;

function page(req: IncomingMessage): string {
  const host = req.headers.host ?? '127.0.0.1';
  return ruruHTML({
    endpoint: '/graphql',
    subscriptionEndpoint: `ws://${host}/graphql`,
    staticPath: STATIC_PATH,
    // Ruru's types list every client option as required; this is the one we set.
    clientConfig: { initialQuery: GATEWAY_PLAYGROUND_EXAMPLES } as RuruServerConfig['clientConfig'],
    htmlParts: { titleTag: '<title>samverkan-hub supergraph playground</title>' },
  });
}

/**
 * Answers the playground's page and assets; returns false for everything else (the
 * runtime's). Only a browser's GET of /graphql without a query gets the page.
 */
export function servePlayground(req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://gateway');
  if (req.method === 'GET' && url.pathname.startsWith(STATIC_PATH)) {
    serveStatic(STATIC_PATH)(req, res, () => {
      res.statusCode = 404;
      res.end();
    });
    return true;
  }
  const wantsPage =
    req.method === 'GET' &&
    url.pathname === '/graphql' &&
    !url.searchParams.has('query') &&
    (req.headers.accept ?? '').includes('text/html');
  if (!wantsPage) return false;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(page(req));
  return true;
}
