import type { NonEmptyArray } from 'type-graphql';
import { ReferenceResolver } from './reference-resolver';
import { ViewerResolver } from './viewer-resolver';

/** Every resolver class of the schema. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const resolvers: NonEmptyArray<Function> = [ViewerResolver, ReferenceResolver];
