/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32) and the date
 * arithmetic the demo generator needs. Same seed, same sequence, on every machine: nothing
 * here reads the clock, Math.random or the local time zone.
 */

/** Calendar days since 1970-01-01 (UTC). Integers keep date arithmetic exact. */
export type DayNumber = number;

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): DayNumber {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The inverse: [year, month 1–12, day] of a day number. Integer arithmetic, no Date. */
export function civilFromDays(day: DayNumber): [number, number, number] {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** 'YYYY-MM-DD' → day number; throws on anything else so a typo fails loudly. */
export function dayNumber(isoDate: string): DayNumber {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new Error(`not an ISO date (YYYY-MM-DD): ${isoDate}`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    throw new Error(`not a calendar date: ${isoDate}`);
  return daysFromCivil(year, month, day);
}

const isoCache = new Map<DayNumber, string>();

/** Day number → 'YYYY-MM-DD'. Cached: a data set uses a few thousand distinct days a million times. */
export function isoDate(day: DayNumber): string {
  let iso = isoCache.get(day);
  if (iso === undefined) {
    const [y, m, d] = civilFromDays(day);
    iso = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    if (isoCache.size < 200_000) isoCache.set(day, iso);
  }
  return iso;
}

/** Same day of month n months later (negative: earlier), clamped to the month's last day. */
export function addMonths(day: DayNumber, months: number): DayNumber {
  const [y, m, d] = civilFromDays(day);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return daysFromCivil(year, month, Math.min(d, daysInMonth(year, month)));
}

/** The same calendar date n years later (negative: earlier); 29 February → 28 February. */
export function addYears(day: DayNumber, years: number): DayNumber {
  return addMonths(day, years * 12);
}

export function firstOfMonth(day: DayNumber): DayNumber {
  return day - civilFromDays(day)[2] + 1;
}

/** 0 = Monday … 6 = Sunday. */
export function weekday(day: DayNumber): number {
  // 1970-01-01 was a Thursday.
  return (((day + 3) % 7) + 7) % 7;
}

/** 'YYYYMMDD' for personnummer. */
export function compactDate(day: DayNumber): string {
  return isoDate(day).replaceAll('-', '');
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex4 = (x: number): string => HEX_BYTE[(x >>> 8) & 0xff] + HEX_BYTE[x & 0xff];
const hex8 = (x: number): string => hex4(x >>> 16) + hex4(x & 0xffff);

export type Weighted<T> = readonly (readonly [T, number])[];

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error('seed must be a finite number');
    // sfc32 needs a well-mixed 128-bit state; small seeds such as 1 and 2 would otherwise
    // start out correlated.
    const mix = splitmix32(Math.trunc(seed));
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator). */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4_294_967_296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (max < min) throw new Error(`int(${min}, ${max}): empty range`);
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform in [min, max). */
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by relative weight; weights need not sum to anything in particular. */
  weighted<T>(entries: Weighted<T>): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    if (!(total > 0)) throw new Error('weighted pick needs a positive total weight');
    let r = this.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    // Floating-point rounding can leave r at a hair above 0 after the last entry.
    return entries[entries.length - 1][0];
  }

  /** Uniform day in [from, to], both inclusive. */
  day(from: DayNumber, to: DayNumber): DayNumber {
    return this.int(from, to);
  }

  /** A UUID with the RFC 4122 version-4 layout, drawn from this sequence. */
  uuid(): string {
    const a = this.nextUint32();
    // Version 4 in the high nibble of the 7th byte, variant 10xx in the 9th.
    const b = ((this.nextUint32() & 0xffff0fff) | 0x00004000) >>> 0;
    const c = ((this.nextUint32() & 0x3fffffff) | 0x80000000) >>> 0;
    const d = this.nextUint32();
    return (
      hex8(a) +
      '-' +
      hex4(b >>> 16) +
      '-' +
      hex4(b & 0xffff) +
      '-' +
      hex4(c >>> 16) +
      '-' +
      hex4(c & 0xffff) +
      hex8(d)
    );
  }
}
