/**
 * Lean field resolution on the built schema. type-graphql gives every field of every object
 * type its own resolver: a plain property becomes a closure that builds a resolver-data
 * object and runs an (empty) middleware chain, and a `@FieldResolver` method is called
 * through a parameter list rebuilt and sorted on every call. A caseload page resolves about
 * 2,000 fields, so that overhead was a visible share of the hub's CPU and garbage.
 *
 * Only fields with nothing to run around them are made lean: no middleware (e.g.
 * `partyFreeText`), no roles, no argument to convert or validate. Anything else keeps
 * type-graphql's resolver, so a rule attached by middleware is never bypassed. Root types
 * are left alone: the policy guard wraps their fields (policy-guard.ts).
 */
import { GraphQLObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

type Resolver = GraphQLFieldResolver<unknown, unknown>;

interface FieldMeta {
  name: string;
  schemaName: string;
  middlewares?: unknown[];
  roles?: unknown[];
  params?: ParamMeta[];
}

interface ParamMeta {
  kind: string;
  index: number;
  propertyName?: string;
  getType?: unknown;
}

interface FieldResolverMeta {
  kind: 'internal' | 'external';
  target: new () => Record<string, (...args: unknown[]) => unknown>;
  methodName: string;
  schemaName: string;
  middlewares?: unknown[];
  roles?: unknown[];
  params?: ParamMeta[];
  getObjectType?: () => unknown;
}

/** Calls the method with root, context or info in the declared order; null when it needs more. */
function directCall(meta: FieldResolverMeta): Resolver | null {
  if (meta.kind !== 'external' || meta.middlewares?.length || meta.roles?.length) return null;
  // Resolver classes are built by type-graphql's default container: no constructor arguments.
  if (meta.target.length > 0) return null;
  const params = [...(meta.params ?? [])].sort((a, b) => a.index - b.index);
  const picks: ('root' | 'context' | 'info')[] = [];
  for (const p of params) {
    // A typed @Root() is converted to its class, a property pick reads a sub-object: leave those.
    if (p.propertyName !== undefined) return null;
    if (p.kind === 'root' && p.getType === undefined) picks.push('root');
    else if (p.kind === 'context' || p.kind === 'info') picks.push(p.kind);
    else return null;
  }
  const instance = new meta.target();
  const method = instance[meta.methodName];
  if (typeof method !== 'function') return null;
  const at = (kind: 'root' | 'context' | 'info') => picks.indexOf(kind);
  // The common shapes without an argument array; any other order through one.
  if (picks.length === 1 && picks[0] === 'root') return (root) => method.call(instance, root);
  if (picks.length === 2 && at('root') === 0 && at('context') === 1)
    return (root, _args, ctx) => method.call(instance, root, ctx);
  return (root, _args, ctx, info) =>
    method.apply(
      instance,
      picks.map((k) => (k === 'root' ? root : k === 'context' ? ctx : info)),
    );
}

/** Makes plain fields and simple field resolvers of object types lean (see above). */
export function leanFieldResolvers(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage() as unknown as {
    objectTypes: { name: string; target: unknown; fields?: FieldMeta[] }[];
    fieldResolvers: FieldResolverMeta[];
  };
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].map(
      (t) => t?.name,
    ),
  );
  const resolverOf = new Map<string, FieldResolverMeta>();
  for (const r of storage.fieldResolvers) {
    const target = r.getObjectType?.();
    const owner = storage.objectTypes.find((o) => o.target === target);
    if (owner) resolverOf.set(`${owner.name}.${r.schemaName}`, r);
  }
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!(type instanceof GraphQLObjectType) || roots.has(type.name)) continue;
    const fields = type.getFields();
    for (const meta of objectType.fields ?? []) {
      const field = fields[meta.schemaName];
      if (!field) continue;
      const custom = resolverOf.get(`${type.name}.${meta.schemaName}`);
      if (custom) {
        const direct = directCall(custom);
        if (direct) field.resolve = direct;
        continue;
      }
      if (meta.middlewares?.length || meta.roles?.length) continue;
      // graphql-js's default resolver reads the property of the same name.
      const property = meta.name;
      field.resolve =
        property === meta.schemaName
          ? undefined
          : (root) => (root as Record<string, unknown> | null)?.[property];
    }
  }
  return schema;
}
