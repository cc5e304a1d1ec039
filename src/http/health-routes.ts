/**
 * Operational endpoints: /healthz (the process answers), /readyz (database reachable and
 * every migration applied; 503 while starting or stopping), /metrics (Prometheus text).
 */
import { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';

export interface ReadinessSource {
  accepting(): boolean;
  dataSource(): DataSource | undefined;
  /**
   * Each agency source's wiring and breaker state. Shown, never a reason to be unready: the
   * hub answers with that source's fields unavailable, and the other sources still work.
   */
  connectors(): Record<string, unknown>;
}

async function checkDatabase(ds: DataSource): Promise<{ database: string; migrations: string }> {
  await ds.query('SELECT 1');
  const applied = await ds.query<{ name: string }[]>('SELECT name FROM migrations');
  const names = new Set(applied.map((r) => r.name));
  const pending = ds.migrations.filter((m) => !names.has(m.name ?? m.constructor.name));
  return { database: 'ok', migrations: pending.length === 0 ? 'ok' : `${pending.length} pending` };
}

export function healthRoutes(source: ReadinessSource, metrics: Metrics, logger: Logger): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    const ds = source.dataSource();
    if (!source.accepting() || !ds?.isInitialized) {
      res.status(503).json({ status: 'unavailable', detail: { server: 'not accepting requests' } });
      return;
    }
    checkDatabase(ds).then(
      (detail) => {
        const ok = detail.migrations === 'ok';
        res.status(ok ? 200 : 503).json({
          status: ok ? 'ok' : 'unavailable',
          detail: { ...detail, connectors: source.connectors() },
        });
      },
      (err: unknown) => {
        logger.warn({ err }, 'readiness check failed');
        res.status(503).json({ status: 'unavailable', detail: { database: 'unreachable' } });
      },
    );
  });
  router.get('/metrics', (_req, res) => {
    metrics.registry.metrics().then(
      (text) => res.type(metrics.registry.contentType).send(text),
      (err: unknown) => {
        logger.error({ err }, 'metrics collection failed');
        res.status(500).end();
      },
    );
  });
  return router;
}
