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

/**
 * A share of the names for one family of generated texts (the person page at each page size
 * a client asks for): the first `max` texts of the family are named, later ones run unnamed,
 * so a family with many variants cannot use up the names the others need.
 */
export class NameBudget {
  private readonly texts = new Set<string>();

  constructor(private readonly max: number) {}

  /** `sql`, registered as `prepared` does while the budget lasts; returns it unchanged. */
  prepared(sql: string): string {
    if (this.texts.has(sql) || this.texts.size >= this.max) return sql;
    this.texts.add(sql);
    return prepared(sql);
  }
}

/** The name the pool's client sends a registered text under. */
export function preparedName(sql: string): string | undefined {
  return pooled.has(sql) ? names.get(sql) : undefined;
}

type Send = (this: Client, ...a: unknown[]) => unknown;

/**
 * `pg`'s client, sending registered texts as named statements, and answering a
 * `(text, values)` call without a callback through a callback of its own.
 *
 * Why the callback: `pg` 8 answers such a call with a promise whose callback it attaches to
 * the query after constructing it, and with that, on Node 20's V8, every result's rows were
 * kept alive through the next two young-generation collections and promoted to the old
 * generation (a client reading 50-row pages in a loop: 0.9 MB of each 2.5 MB young
 * generation survived, against 25 KB when the same call is given a callback; the caseload
 * page's rows made up most of what the hub promoted). The answer and its errors are the same.
 */
export class PreparingClient extends Client {
  // pg's query() has many overloads; only (text) and (text, values) change.
  override query(...args: unknown[]): never {
    const [text, values] = args;
    const send = (a: unknown[]) => (super.query as Send).apply(this, a);
    // Two arguments at most: no callback of the caller's.
    const plain =
      typeof text === 'string' &&
      args.length <= 2 &&
      (values === undefined || Array.isArray(values));
    if (!plain) return send(args) as never;
    const name = preparedName(text);
    // A fresh config object: pg writes the callback into it.
    const forward = name ? [{ name, text, values: values ?? [] }, undefined] : [text, values];
    return new Promise((resolve, reject) => {
      send([
        ...forward,
        (err: Error | null, result: unknown) => (err ? reject(err) : resolve(result)),
      ]);
    }) as never;
  }
}
