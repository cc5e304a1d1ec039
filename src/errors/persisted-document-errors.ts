import { HubError, withCode } from './hub-error';

/**
 * A request named a persisted (trusted) document by id that is not registered: an id the
 * client's build produced but its deploy pipeline did not register, or one from another
 * hub. HTTP 404. See docs/frontend-guide.md.
 */
export class PersistedDocumentNotFoundError extends HubError {
  readonly code = 'PERSISTED_DOCUMENT_NOT_FOUND' as const;

  constructor(message = 'No persisted document is registered under this documentId') {
    super(message);
    withCode(this);
  }
}

/**
 * TRUSTED_DOCUMENTS=require: a plain document (a `query` without a registered id) from a
 * caller whose role is not exempt. HTTP 400.
 */
export class PersistedDocumentRequiredError extends HubError {
  readonly code = 'PERSISTED_DOCUMENT_REQUIRED' as const;

  constructor(
    message = 'This hub runs only registered documents: send a registered documentId instead of a query',
  ) {
    super(message);
    withCode(this);
  }
}

/**
 * A malformed request the hub refuses before running anything: a documentId of no known
 * form, or a query whose hash is not the id sent with it. HTTP 400.
 */
export class BadRequestError extends HubError {
  readonly code = 'BAD_REQUEST' as const;

  constructor(message: string) {
    super(message);
    withCode(this);
  }
}
