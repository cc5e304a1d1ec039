/**
 * `hub_event_loop_busy_seconds_total`: the main thread's busy time, so that rate() shows a
 * hub bound by its one JavaScript thread. Work on the thread must raise it by about the
 * work's length; waiting for a timer must not.
 */
import { createMetrics } from '../../src/observability/metrics';

const NAME = 'hub_event_loop_busy_seconds_total';

async function busySeconds(metrics: ReturnType<typeof createMetrics>): Promise<number> {
  const metric = metrics.registry.getSingleMetric(NAME);
  if (!metric) throw new Error(`${NAME} is not registered`);
  const { values } = await metric.get();
  return values[0]?.value ?? 0;
}

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // the thread stays busy, as a request's code would keep it
  }
}

/** Lets the event loop finish a turn, so that the spin before is counted. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('code running on the main thread counts as busy, waiting does not', async () => {
  const metrics = createMetrics();
  const start = await busySeconds(metrics);

  spin(300);
  await nextTurn();
  const afterWork = await busySeconds(metrics);
  expect(afterWork - start).toBeGreaterThanOrEqual(0.25);
  expect(afterWork - start).toBeLessThan(1);

  await new Promise((resolve) => setTimeout(resolve, 400));
  const afterWait = await busySeconds(metrics);
  expect(afterWait - afterWork).toBeLessThan(0.15);
});

test('the counter is served on /metrics text and never decreases', async () => {
  const metrics = createMetrics();
  const readings: number[] = [];
  for (let i = 0; i < 3; i++) {
    spin(20);
    await nextTurn();
    const text = await metrics.registry.metrics();
    const match = new RegExp(`^${NAME} ([0-9.e+-]+)$`, 'm').exec(text);
    expect(match).not.toBeNull();
    readings.push(Number(match?.[1]));
  }
  expect(readings[1]).toBeGreaterThan(readings[0]);
  expect(readings[2]).toBeGreaterThan(readings[1]);
});
