// ISO-8601 date/time text to epoch milliseconds. Written out rather than left to
// Date.parse because Date.parse reads "2014-04-10 07:15:00" (no zone, space separator,
// NAB's format) as local time or not at all depending on the engine and the machine's
// time zone; here a time without a zone is always UTC, so results never depend on TZ.

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Epoch milliseconds of an ISO-8601 date or date-time such as `2014-04-10`,
 * `2014-04-10 07:15:00.000000`, `2014-04-10T07:15:00Z` or `2014-04-10T09:15+02:00`.
 * A time without a zone is read as UTC. Fractions finer than a millisecond are kept
 * as a fraction of a millisecond. Returns NaN for anything else, including impossible
 * dates such as February 30.
 */
export function parseTimestamp(text: string): number {
  const m = ISO.exec(text.trim());
  if (m === null) return NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12) return NaN;
  const monthDays = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day < 1 || day > monthDays) return NaN;
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear undoes that.
  if (year < 100) ms = new Date(ms).setUTCFullYear(year);
  if (m[7] !== undefined) ms += Number(`0.${m[7]}`) * 1000;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const zoneHours = Number(digits.slice(0, 2));
    const zoneMinutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (zoneHours > 23 || zoneMinutes > 59) return NaN;
    ms -= sign * (zoneHours * 60 + zoneMinutes) * 60000;
  }
  return ms;
}
