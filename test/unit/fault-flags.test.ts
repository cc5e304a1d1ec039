/** `npm run simulate -- --fault AGENCY:name=value,…`: parsed per agency, refused when wrong. */
import { FaultFlagError, parseFaultFlags } from '../../src/simulators/fault-flags';

test('per agency, with af and all as names, later flags adding to earlier ones', () => {
  expect(
    parseFaultFlags([
      'af:latency=2000,error-rate=0.3',
      'all:hang-rate=0.1',
      'sfi:rate-429=1,retry-after=3',
    ]),
  ).toEqual({
    arbetsformedlingen: { latencyMs: 2000, errorRate: 0.3, hangRate: 0.1 },
    socialtjanst: { hangRate: 0.1 },
    jobbtorg: { hangRate: 0.1 },
    sfi: { hangRate: 0.1, rate429: 1, retryAfterS: 3 },
  });
  expect(parseFaultFlags([])).toEqual({});
});

test.each([
  ['nobody:latency=1', /AGENCY/],
  ['af', /AGENCY/],
  ['af:speed=1', /speed/],
  ['af:latency=', /latency/],
  ['af:error-rate=1.5', /errorRate: a share of calls/],
  ['af:latency=-5', /latencyMs: must be a non-negative number/],
  ['af:latency=fast', /latencyMs: must be a non-negative number/],
])('%s is refused', (flag, message) => {
  expect(() => parseFaultFlags([flag])).toThrow(FaultFlagError);
  expect(() => parseFaultFlags([flag])).toThrow(message);
});
