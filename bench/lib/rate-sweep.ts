/**
 * The rates a sweep tries below one that missed its target: halving until one meets it (or
 * the rate falls below `min`), then one step between that rate and the last one missed, so
 * the highest rate met is known to within a quarter of the last miss.
 */
export async function sweepRates(
  missed: number,
  meets: (rate: number) => Promise<boolean>,
  min = 1,
): Promise<void> {
  let above = missed;
  let rate = missed / 2;
  while (rate >= min && !(await meets(rate))) rate = (above = rate) / 2;
  if (rate >= min) await meets(Math.round(((rate + above) / 2) * 100) / 100);
}
