export { HubError } from './hub-error';
export { UnauthenticatedError } from './unauthenticated-error';
export { ForbiddenError } from './forbidden-error';
export { NotFoundError } from './not-found-error';
export { BadUserInputError } from './bad-user-input-error';
export { ConflictError } from './conflict-error';
export { InvalidTransitionError } from './invalid-transition-error';
export { SourceUnavailableError } from './source-unavailable-error';
export { QueryTooComplexError } from './query-too-complex-error';
export { SubscriberTooSlowError } from './subscriber-too-slow-error';
export {
  BadRequestError,
  PersistedDocumentNotFoundError,
  PersistedDocumentRequiredError,
} from './persisted-document-errors';
export { formatError } from './format-error';
