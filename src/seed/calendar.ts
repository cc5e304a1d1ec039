/** Calendar helpers of the generator, on day numbers (days since 1970-01-01). */
import { civilFromDays, type DayNumber, daysFromCivil, weekday } from './random';

/** Last Sunday of a month (1–11), as a day number. */
function lastSunday(year: number, month: number): DayNumber {
  const last = daysFromCivil(year, month + 1, 1) - 1;
  return last - ((weekday(last) + 1) % 7);
}

/** Stockholm's UTC offset on a day (CEST from the last Sunday of March to that of October). */
export function stockholmOffset(day: DayNumber): string {
  const [year] = civilFromDays(day);
  const summer = day >= lastSunday(year, 3) && day < lastSunday(year, 10);
  return summer ? '+02:00' : '+01:00';
}

/** Saturday and Sunday move back to Friday: job centres book visits on weekdays. */
export function onWeekday(day: DayNumber): DayNumber {
  const wd = weekday(day);
  return wd === 5 ? day - 1 : wd === 6 ? day - 2 : day;
}

/** n working days later, Monday–Friday; public holidays are ignored in the demo data. */
export function addWorkingDays(day: DayNumber, n: number): DayNumber {
  let d = day;
  let left = n;
  while (left > 0) {
    d += 1;
    if (weekday(d) < 5) left -= 1;
  }
  return d;
}

export function halfHours(value: number): number {
  return Math.round(value * 2) / 2;
}
