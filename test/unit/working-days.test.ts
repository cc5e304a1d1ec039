import { addWorkingDays, isWorkingDay, stockholmDate } from '../../src/domain/working-days';

test.each([
  ['2026-11-23', true], // Monday
  ['2026-11-21', false], // Saturday
  ['2026-11-22', false], // Sunday
  ['2026-06-06', false], // nationaldagen (a Saturday in 2026 anyway)
  ['2026-06-19', false], // midsommarafton
  ['2026-12-24', false], // julafton
  ['2026-12-25', false], // juldagen
  ['2026-12-31', false], // nyårsafton
  ['2027-01-06', false], // trettondedag jul
  ['2026-04-03', false], // långfredagen
  ['2026-04-06', false], // annandag påsk
  ['2026-05-14', false], // Kristi himmelsfärdsdag
  ['2026-04-30', true], // valborgsmässoafton is a working day
  ['2026-01-05', true], // trettondagsafton is a working day
])('%s is a working day: %s', (date, expected) => {
  expect(isWorkingDay(date)).toBe(expected);
});

test.each([
  ['2026-11-23', 5, '2026-11-30'], // Mon → next Mon
  ['2026-11-20', 5, '2026-11-27'], // Fri → next Fri
  ['2026-11-21', 5, '2026-11-27'], // visit on a Saturday counts from Monday
  ['2026-06-15', 5, '2026-06-23'], // midsommar week: 16, 17, 18, 22, 23
  ['2026-03-30', 5, '2026-04-08'], // Easter: 31 Mar, 1, 2, 7, 8 Apr
])('%s + %i working days = %s', (start, n, expected) => {
  expect(addWorkingDays(start, n)).toBe(expected);
});

test('Christmas week: the 5 working days after 21 Dec 2026 are 22, 23, 28, 29, 30 Dec', () => {
  // Listed independently: 24, 25, 26 (Sat), 27 (Sun) and 31 Dec are not working days.
  expect(addWorkingDays('2026-12-21', 5)).toBe('2026-12-30');
});

test('stockholmDate uses the Swedish calendar day, not UTC', () => {
  expect(stockholmDate(new Date('2026-11-22T23:30:00Z'))).toBe('2026-11-23');
  expect(stockholmDate(new Date('2026-07-01T21:59:00Z'))).toBe('2026-07-01');
  expect(stockholmDate(new Date('2026-07-01T22:00:00Z'))).toBe('2026-07-02');
});
