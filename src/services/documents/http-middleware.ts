/**
 * Trusted documents over HTTP: an express middleware on /graphql between the JSON body
 * parser and Apollo. A registered id becomes the request's `query` (POST body, or the GET
 * URL's `query` parameter); a refusal is answered here as a GraphQL error response and
 * Apollo never sees the request. Apollo's document store, keyed by the same sha256 of the
 * text, then serves the parsed and validated document from the second request on.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Authenticator } from '../../auth/authenticate';
import { ANONYMOUS, type Viewer } from '../../auth/viewer';
import type { DocumentRequest, TrustedDocuments } from './trusted-documents';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `extensions` without `persistedQuery` (Apollo would refuse it: its APQ is off). */
function withoutPersistedQuery(extensions: unknown): Record<string, unknown> | undefined {
  if (!isRecord(extensions)) return undefined;
  const { persistedQuery: _pq, ...rest } = extensions;
  return Object.keys(rest).length ? rest : undefined;
}

function fromGet(params: URLSearchParams): DocumentRequest {
  let extensions: unknown;
  const raw = params.get('extensions');
  if (raw) {
    try {
      extensions = JSON.parse(raw);
    } catch {
      extensions = undefined; // Apollo answers the malformed parameter itself
    }
  }
  return {
    documentId: params.get('documentId') ?? undefined,
    extensions,
    query: params.get('query') ?? undefined,
  };
}

export function trustedDocumentsMiddleware(
  trusted: TrustedDocuments,
  authenticate: Authenticator,
  /** True for the federation gateway (x-gateway-secret): its plans' fetches are exempt. */
  isGateway: (req: Request) => boolean,
): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (trusted.mode === 'off') return next();
    const viewer = (): Promise<Viewer> =>
      // A bad token is no exemption; Apollo's context refuses it as before if the request runs.
      authenticate(req.headers.authorization).catch(() => ANONYMOUS);
    const mayRunPlain = async (): Promise<boolean> =>
      isGateway(req) || trusted.isExempt(await viewer());
    if (req.method === 'POST' && isRecord(req.body)) {
      const body = req.body;
      const resolution = await trusted.resolve(body, mayRunPlain);
      if (resolution.kind === 'refused') {
        res.status(resolution.status).json({ errors: [resolution.error.toJSON()] });
        return;
      }
      if (resolution.kind === 'registered') body.query = resolution.document.text;
      delete body.documentId;
      const extensions = withoutPersistedQuery(body.extensions);
      if (extensions) body.extensions = extensions;
      else delete body.extensions;
      return next();
    }
    if (req.method === 'GET') {
      const url = new URL(req.url, 'http://hub.invalid');
      const resolution = await trusted.resolve(fromGet(url.searchParams), mayRunPlain);
      if (resolution.kind === 'refused') {
        res.status(resolution.status).json({ errors: [resolution.error.toJSON()] });
        return;
      }
      if (resolution.kind === 'registered') url.searchParams.set('query', resolution.document.text);
      url.searchParams.delete('documentId');
      const extensions = withoutPersistedQuery(fromGet(url.searchParams).extensions);
      if (extensions) url.searchParams.set('extensions', JSON.stringify(extensions));
      else url.searchParams.delete('extensions');
      req.url = `${url.pathname}${url.search}`;
    }
    return next();
  };
}
