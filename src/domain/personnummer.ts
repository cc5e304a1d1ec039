/**
 * Swedish personal identity numbers (personnummer) and coordination numbers
 * (samordningsnummer: day + 60), in the 12-digit form YYYYMMDDNNNC. The check digit C is
 * the Luhn digit over the 9 digits YYMMDDNNN. Accepts the common written forms
 * (YYYYMMDD-NNNC, YYYYMMDDNNNC); the hub stores and returns the 12 digits.
 */

export type PersonnummerProblem = 'format' | 'date' | 'checksum';

export type ParsedPersonnummer =
  | { ok: true; value: string; birthDate: string; coordinationNumber: boolean }
  | { ok: false; problem: PersonnummerProblem };

/** Luhn check digit for a string of digits (weights 2,1,2,1… from the left, as Skatteverket). */
export function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

export function parsePersonnummer(input: string): ParsedPersonnummer {
  const compact = input.trim().replace(/^(\d{8})[-+]?(\d{4})$/, '$1$2');
  if (!/^\d{12}$/.test(compact)) return { ok: false, problem: 'format' };
  const year = Number(compact.slice(0, 4));
  const month = Number(compact.slice(4, 6));
  let day = Number(compact.slice(6, 8));
  const coordinationNumber = day > 60;
  if (coordinationNumber) day -= 60;
  if (year < 1850 || !isValidDate(year, month, day)) return { ok: false, problem: 'date' };
  if (luhnDigit(compact.slice(2, 11)) !== Number(compact[11]))
    return { ok: false, problem: 'checksum' };
  const birthDate = `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${String(day).padStart(2, '0')}`;
  return { ok: true, value: compact, birthDate, coordinationNumber };
}

/** Builds a valid 12-digit number from a birth date (YYYYMMDD) and a 3-digit serial. */
export function buildPersonnummer(yyyymmdd: string, serial: number): string {
  const body = `${yyyymmdd}${String(serial).padStart(3, '0')}`;
  return `${body}${luhnDigit(body.slice(2))}`;
}
