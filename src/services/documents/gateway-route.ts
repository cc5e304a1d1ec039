/**
 * `GET /federation/documents/<id>`: a registered document's text, for the federation gateway
 * only. Behind a gateway the client's request reaches the gateway, not the hub, so it is
 * the gateway that must turn an id into a document and enforce TRUSTED_DOCUMENTS=require;
 * it asks here rather than keeping a second copy of the registry, so `npm run documents`
 * stays the one place documents are registered and removed.
 *
 * Only a caller with the gateway secret (x-gateway-secret) gets an answer: the registry is
 * the city's list of its front-ends' operations, not something to hand any client.
 * Answers: 200 `{ id, text }`; 404 PERSISTED_DOCUMENT_NOT_FOUND; 400 BAD_REQUEST for an id
 * of no known form; 403 FORBIDDEN without the secret. All JSON, nothing else echoed.
 */
import type { Request, RequestHandler, Response } from 'express';
import {
  BadRequestError,
  ForbiddenError,
  PersistedDocumentNotFoundError,
  type HubError,
} from '../../errors';
import { DOCUMENT_ID_FORMS, parseDocumentId } from './document-id';
import type { TrustedDocuments } from './trusted-documents';

export const GATEWAY_DOCUMENTS_PATH = '/federation/documents';

/** The answer the gateway reads. */
export interface GatewayDocument {
  id: string;
  text: string;
}

const refuse = (res: Response, status: number, error: HubError): void => {
  res.status(status).json({ errors: [error.toJSON()] });
};

export function gatewayDocumentsRoute(
  trusted: TrustedDocuments,
  isGateway: (req: Request) => boolean,
): RequestHandler {
  return async (req, res) => {
    // Registered documents are not personal data, but nothing in between needs a copy.
    res.setHeader('cache-control', 'no-store');
    if (!isGateway(req))
      return refuse(
        res,
        403,
        new ForbiddenError('Only the federation gateway may read registered documents'),
      );
    const raw = typeof req.params.id === 'string' ? req.params.id : '';
    const id = parseDocumentId(raw);
    if (!id)
      return refuse(
        res,
        400,
        new BadRequestError(`documentId has no known form: ${DOCUMENT_ID_FORMS}`),
      );
    const document = await trusted.registered(id.canonical);
    if (!document) return refuse(res, 404, new PersistedDocumentNotFoundError());
    const body: GatewayDocument = { id: document.id, text: document.text };
    res.json(body);
  };
}
