/**
 * Where the dispatcher's wake-ups come from: LISTEN on a dedicated connection to the
 * PostgreSQL server (so events committed through other hub instances wake this one), or
 * PGlite's in-process listen for the embedded database.
 */
import type { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import type { Logger } from '../observability/logger';
import type { NotificationSource } from './dispatcher';
import { EVENT_CHANNEL } from './outbox';

export function postgresNotifications(url: string, logger: Logger): NotificationSource {
  return async (onNotify) => {
    const client = new Client({ connectionString: url, application_name: 'samverkan-hub-listen' });
    client.on('error', (err) =>
      logger.warn({ err }, 'event LISTEN connection failed; polling continues'),
    );
    client.on('notification', (msg) => onNotify(msg.payload));
    await client.connect();
    await client.query(`LISTEN ${EVENT_CHANNEL}`);
    return async () => {
      await client.end().catch(() => undefined);
    };
  };
}

export function pgliteNotifications(db: () => PGlite | undefined): NotificationSource {
  return async (onNotify) => {
    const instance = db();
    if (!instance) return () => Promise.resolve();
    const unlisten = await instance.listen(EVENT_CHANNEL, (payload) => onNotify(payload));
    return async () => {
      await unlisten().catch(() => undefined);
    };
  };
}
