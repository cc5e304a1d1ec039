/**
 * Small-cell suppression for follow-up figures: a count of 1–4 persons is withheld (value
 * null, suppressed true) when the caller may not see individuals, as official Swedish
 * statistics do. Zero is shown: it identifies nobody. Shares and medians built on a
 * withheld count are withheld too. Definitions and what is guarded: docs/follow-up.md.
 */

export const SMALL_CELL_MAX = 4;

export interface CountCell {
  value: number | null;
  suppressed: boolean;
}

export interface ShareCell {
  value: number | null;
  numerator: CountCell;
  denominator: CountCell;
  suppressed: boolean;
}

export interface MedianCell {
  value: number | null;
  count: CountCell;
  suppressed: boolean;
}

const isSmall = (n: number) => n >= 1 && n <= SMALL_CELL_MAX;

export class Suppressor {
  constructor(readonly active: boolean) {}

  count(n: number): CountCell {
    return this.active && isSmall(n)
      ? { value: null, suppressed: true }
      : { value: n, suppressed: false };
  }

  /**
   * A share numerator/denominator. The complement (denominator − numerator) is a count of
   * persons as well, so a complement of 1–4 withholds the numerator and the share.
   */
  share(numerator: number, denominator: number): ShareCell {
    const den = this.count(denominator);
    let num = this.count(numerator);
    if (this.active && isSmall(denominator - numerator) && !num.suppressed)
      num = { value: null, suppressed: true };
    const suppressed = num.suppressed || den.suppressed;
    return {
      value: suppressed || denominator === 0 ? null : numerator / denominator,
      numerator: num,
      denominator: den,
      suppressed,
    };
  }

  median(value: number | null, basedOn: number): MedianCell {
    const count = this.count(basedOn);
    return { value: count.suppressed ? null : value, count, suppressed: count.suppressed };
  }

  /**
   * A breakdown whose total is shown elsewhere (returns by reason vs returned): if exactly
   * one cell were withheld, total minus the others would reveal it, so the smallest other
   * non-zero cell is withheld as well (secondary suppression).
   */
  breakdown<K>(
    cells: { key: K; n: number }[],
    totalShown: boolean,
  ): { key: K; count: CountCell }[] {
    const out = cells.map((c) => ({ key: c.key, n: c.n, count: this.count(c.n) }));
    if (this.active && totalShown && out.filter((c) => c.count.suppressed).length === 1) {
      const next = out.filter((c) => !c.count.suppressed && c.n > 0).sort((a, b) => a.n - b.n)[0];
      if (next) next.count = { value: null, suppressed: true };
    }
    return out.map(({ key, count }) => ({ key, count }));
  }
}
