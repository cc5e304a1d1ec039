/**
 * Selection sets generated from the hub's schema, so a test that asks for "every field"
 * keeps doing so when a field is added.
 */
import {
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLField,
  type GraphQLOutputType,
} from 'graphql';
import { buildHubSchema } from '../../src/schema';

function named(type: GraphQLOutputType): GraphQLOutputType {
  let t = type;
  while (t instanceof GraphQLNonNull || t instanceof GraphQLList) t = t.ofType as GraphQLOutputType;
  return t;
}

/** Every field reachable from `type`, stopping at types already on the path (no cycles). */
export function selection(type: GraphQLObjectType, path: string[], depth: number): string {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
    if (field.args.some((a) => a.type instanceof GraphQLNonNull && a.defaultValue === undefined))
      continue;
    const inner = named(field.type);
    if (inner instanceof GraphQLObjectType) {
      if (path.includes(inner.name) || depth === 0) continue;
      const sub = selection(inner, [...path, inner.name], depth - 1);
      if (sub) parts.push(`${field.name} { ${sub} }`);
    } else {
      parts.push(field.name);
    }
  }
  return parts.join(' ');
}

/** Every field of the named object type, `depth` levels down. */
export function selectionOf(typeName: string, depth: number): string {
  const type = buildHubSchema().getType(typeName);
  if (!(type instanceof GraphQLObjectType)) throw new Error(`${typeName} is not an object type`);
  return selection(type, [typeName], depth);
}
