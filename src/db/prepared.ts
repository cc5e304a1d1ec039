/**
 * Named (prepared) statements for the few statements the hub sends most often with the
 * same text: PostgreSQL parses and plans an unnamed statement each time it is sent, a named
 * one is parsed once per connection and, after five runs, may keep one generic plan, which
 * saves the planning too. The createReferral statement spent 0.4 of its 1.0 ms of server
 * time in planning (pg_stat_statements, 2026-12-03).
 *
 * Only texts registered with `prepared()` are named, so the set stays bounded (one name per
 * text, per connection), and only statements whose generic plan was checked belong here: a
 * generic plan is made without the parameters' values, and for some statements it is far
 * worse (the caseload page's, with its `LIMIT $n`, reads every person). The names are used
 * by `PreparingClient`, the `pg` client of the hub's pool; the embedded database ignores
 * them.
 */
import { Client } from 'pg';

/** A name per text, for every text named anywhere (the pool's, and sessions of their own). */
const names = new Map<string, string>();
/** The texts the pool's client sends named. */
const pooled = new Set<string>();
/** A bound on distinct texts: past it, texts run unnamed (a bug would show as no speed-up). */
const MAX_NAMES = 64;

/**
 * The statement name of `sql`, for a session that names its statements itself (the event
 * sequencer's); undefined past the bound.
 */
export function statementName(sql: string): string | undefined {
  let name = names.get(sql);
  if (!name && names.size < MAX_NAMES) names.set(sql, (name = `hub_${names.size + 1}`));
  return name;
}

/** Marks `sql` to be sent named by the pool's client; returns it unchanged. */
export function prepared(sql: string): string {
  if (statementName(sql)) pooled.add(sql);
  return sql;
}

/** The name the pool's client sends a registered text under. */
export function preparedName(sql: string): string | undefined {
  return pooled.has(sql) ? names.get(sql) : undefined;
}

type QueryArgs = Parameters<Client['query']>;

/** `pg`'s client, sending registered texts as named statements. */
export class PreparingClient extends Client {
  // pg's query() has many overloads; only (text, values) with a registered text changes.
  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    const name =
      typeof text === 'string' && callback === undefined ? preparedName(text) : undefined;
    const forward = name
      ? [{ name, text, values: Array.isArray(values) ? values : [] }]
      : (args as QueryArgs);
    return (super.query as (...a: unknown[]) => never)(...forward);
  }
}
