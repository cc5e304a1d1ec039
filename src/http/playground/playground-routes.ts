/**
 * The playground: GET /graphql from a browser serves an IDE (Ruru, a packaged GraphiQL
 * distribution) whose assets come from the installed `ruru` package — nothing from a CDN,
 * so it works offline. It runs queries and mutations over HTTP and subscriptions over
 * graphql-ws on the same path, and shows the schema docs (introspection is on outside
 * production).
 *
 * Outside production a bar above the IDE obtains a token for a chosen role and
 * organisation from POST /dev/token and puts it in the Authorization header (the IDE sends
 * its headers as graphql-ws connectionParams too). That endpoint does not exist in
 * production, nor when a JWKS URL replaces the shared secret.
 */
import express, { Router, type Request } from 'express';
import { ruruHTML, type RuruServerConfig } from 'ruru/server';
import { serveStatic } from 'ruru/static';
import { makeToken } from '../../auth/dev-token';
import { requireJsonBody } from '../json-errors';
import { PLAYGROUND_EXAMPLES } from './examples';
import { TOKEN_BAR_HTML, TOKEN_BAR_SCRIPT, TOKEN_BAR_STYLE } from './token-bar';

const STATIC_PATH = '/playground/static/';

function wantsHtml(req: Request): boolean {
  return req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
}

/**
 * Under TRUSTED_DOCUMENTS=require the IDE's plain documents are refused for every role but
 * the exempt ones: a line above the IDE says so, rather than letting each run fail.
 */
function trustedDocumentsBanner(trusted: PlaygroundOptions['trustedDocuments']): string {
  if (trusted?.mode !== 'require') return '';
  const exempt = trusted.exemptRoles.length
    ? `only with a token of an exempt role (${trusted.exemptRoles.map(escapeHtml).join(', ')})`
    : 'for no role (no role is exempt)';
  return (
    // The page as a column, so the IDE takes what the banner (and token bar) leave.
    '<style>body{display:flex;flex-direction:column;height:100vh;margin:0}' +
    '#ruru-root{flex:1 1 auto;min-height:0;height:auto!important}</style>' +
    '<div id="hub-trusted-documents" role="status" style="padding:6px 12px;' +
    'font:13px system-ui,sans-serif;background:#8a1c1c;color:#fff">' +
    '<strong>TRUSTED_DOCUMENTS=require is in force:</strong> this hub runs registered ' +
    `documents by id only. The playground sends plain documents, so it works here ${exempt}; ` +
    'everything else is refused with PERSISTED_DOCUMENT_REQUIRED.</div>'
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(
  req: Request,
  devTokens: boolean,
  trusted: PlaygroundOptions['trustedDocuments'],
): string {
  const banner = trustedDocumentsBanner(trusted);
  const scheme = req.protocol === 'https' ? 'wss' : 'ws';
  return ruruHTML({
    endpoint: '/graphql',
    subscriptionEndpoint: `${scheme}://${req.headers.host ?? '127.0.0.1'}/graphql`,
    staticPath: STATIC_PATH,
    // Ruru's types list every client option as required; these are the ones we set.
    clientConfig: { initialQuery: PLAYGROUND_EXAMPLES } as RuruServerConfig['clientConfig'],
    htmlParts: {
      titleTag: '<title>samverkan-hub playground</title>',
      styleTags: (original) => original + TOKEN_BAR_STYLE(devTokens),
      // The token chosen in the bar (kept for this browser tab) becomes the IDE's header.
      configScript: (original) => original + TOKEN_BAR_SCRIPT,
      bodyContent: (original) => banner + (devTokens ? TOKEN_BAR_HTML : '') + original,
    },
  });
}

export interface PlaygroundOptions {
  enabled: boolean;
  devTokens: boolean;
  secret: string | undefined;
  /** The TRUSTED_DOCUMENTS mode, shown above the IDE when it is `require`. */
  trustedDocuments?: { mode: string; exemptRoles: string[] };
}

export function playgroundRoutes(options: PlaygroundOptions): Router {
  const router = Router();
  if (!options.enabled) return router;
  router
    .route('/graphql')
    .get((req, res, next) => {
      if (!wantsHtml(req) || req.query.query !== undefined) return next();
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.setHeader('cache-control', 'no-store');
      res.send(page(req, options.devTokens, options.trustedDocuments));
    })
    // OPTIONS goes on to Apollo, as in production: otherwise the router answers it itself
    // with a text/plain "GET, HEAD" (this route's methods only, not POST).
    .options((_req, _res, next) => next());
  router.use(STATIC_PATH, (req, res, next) => {
    // serveStatic trims the path it is given from req.url; express already trimmed the mount.
    req.url = `${STATIC_PATH}${req.url.replace(/^\//, '')}`;
    serveStatic(STATIC_PATH)(req, res, next);
  });
  const secret = options.secret;
  if (options.devTokens && secret) {
    // A body that is not JSON, too large or of another type is refused by json-errors.ts.
    const jsonOnly = requireJsonBody();
    const parseJson = express.json({ limit: '2kb' });
    router.post('/dev/token', jsonOnly, parseJson, async (req, res) => {
      const body = (req.body ?? {}) as { role?: unknown; org?: unknown; sub?: unknown };
      try {
        const token = await makeToken(secret, {
          role: typeof body.role === 'string' ? body.role : '',
          org: typeof body.org === 'string' ? body.org : '',
          sub: typeof body.sub === 'string' && body.sub ? body.sub.slice(0, 100) : undefined,
          ttlSeconds: 3600,
        });
        res.json({ token, expiresIn: 3600 });
      } catch (err) {
        res.status(400).json({ error: err instanceof Error ? err.message : 'invalid request' });
      }
    });
  }
  return router;
}
