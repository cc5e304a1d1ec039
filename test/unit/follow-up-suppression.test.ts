import { Suppressor } from '../../src/services/follow-up/follow-up-suppression';

const withheld = { value: null, suppressed: true };

describe('small-cell suppression', () => {
  const on = new Suppressor(true);
  const off = new Suppressor(false);

  test('counts of 1–4 are withheld, 0 and 5+ shown', () => {
    expect([0, 1, 4, 5, 120].map((n) => on.count(n))).toEqual([
      { value: 0, suppressed: false },
      withheld,
      withheld,
      { value: 5, suppressed: false },
      { value: 120, suppressed: false },
    ]);
    expect(off.count(1)).toEqual({ value: 1, suppressed: false });
  });

  test('a share over a withheld count, or with a complement of 1–4, is withheld', () => {
    expect(on.share(3, 40)).toMatchObject({ value: null, suppressed: true, numerator: withheld });
    expect(on.share(38, 40)).toMatchObject({
      value: null,
      suppressed: true,
      numerator: withheld,
      denominator: { value: 40, suppressed: false },
    });
    expect(on.share(0, 3)).toMatchObject({ value: null, suppressed: true, denominator: withheld });
    expect(on.share(10, 40)).toEqual({
      value: 0.25,
      suppressed: false,
      numerator: { value: 10, suppressed: false },
      denominator: { value: 40, suppressed: false },
    });
    expect(on.share(0, 0).value).toBeNull();
    expect(off.share(38, 40).value).toBe(0.95);
  });

  test('a median over 1–4 persons is withheld', () => {
    expect(on.median(7.5, 3)).toEqual({ value: null, count: withheld, suppressed: true });
    expect(on.median(7.5, 9).value).toBe(7.5);
  });

  test('a single withheld cell beside a shown total takes the next smallest with it', () => {
    const cells = on.breakdown(
      [
        { key: 'A', n: 2 },
        { key: 'B', n: 9 },
        { key: 'C', n: 6 },
        { key: 'D', n: 0 },
      ],
      true,
    );
    expect(cells.map((c) => [c.key, c.count.value])).toEqual([
      ['A', null],
      ['B', 9],
      ['C', null],
      ['D', 0],
    ]);
    // With the total withheld as well, nothing can be subtracted: no second cell needed.
    expect(
      on.breakdown(
        [
          { key: 'A', n: 2 },
          { key: 'B', n: 9 },
        ],
        false,
      )[1].count.value,
    ).toBe(9);
    // Two withheld cells already protect each other.
    expect(
      on
        .breakdown(
          [
            { key: 'A', n: 2 },
            { key: 'B', n: 3 },
            { key: 'C', n: 9 },
          ],
          true,
        )
        .map((c) => c.count.value),
    ).toEqual([null, null, 9]);
  });
});
