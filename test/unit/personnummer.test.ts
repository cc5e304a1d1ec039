import { buildPersonnummer, luhnDigit, parsePersonnummer } from '../../src/domain/personnummer';

test('Luhn digit of the classic example 811218-987 is 6', () => {
  // Skatteverket's published example: 811218-9876
  expect(luhnDigit('811218987')).toBe(6);
});

test.each([
  ['198112189876', '198112189876', '1981-12-18', false],
  ['19811218-9876', '198112189876', '1981-12-18', false],
  [' 198112189876 ', '198112189876', '1981-12-18', false],
])('accepts %s', (input, value, birthDate, coordinationNumber) => {
  expect(parsePersonnummer(input)).toEqual({ ok: true, value, birthDate, coordinationNumber });
});

test('accepts a samordningsnummer (day + 60) and reports the real birth date', () => {
  const number = buildPersonnummer('19900178', 123); // 18 January + 60
  expect(parsePersonnummer(number)).toMatchObject({
    ok: true,
    birthDate: '1990-01-18',
    coordinationNumber: true,
  });
});

test.each([
  ['8112189876', 'format'], // 10 digits: century missing
  ['1981121898761', 'format'],
  ['19811218x876', 'format'],
  ['', 'format'],
  ['198113189876', 'date'], // month 13
  ['199002301234', 'date'], // 30 February
  ['198112189875', 'checksum'],
])('rejects %s (%s)', (input, problem) => {
  expect(parsePersonnummer(input)).toEqual({ ok: false, problem });
});

test('every built number validates, and changing any digit breaks the checksum or date', () => {
  for (let serial = 0; serial < 1000; serial += 37) {
    const n = buildPersonnummer('20040229', serial);
    expect(parsePersonnummer(n).ok).toBe(true);
    const last = Number(n[11]);
    expect(parsePersonnummer(n.slice(0, 11) + String((last + 1) % 10)).ok).toBe(false);
  }
});
