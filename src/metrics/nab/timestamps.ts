// NAB timestamps ("YYYY-MM-DD HH:MM:SS" in data files, with ".ffffff" in the
// label files) as milliseconds, read as UTC so that no local time zone or DST
// shift can move a row in or out of a window.
const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

export function parseNabTimestamp(text: string): number {
  const m = PATTERN.exec(text.trim());
  if (m === null) throw new Error(`not a timestamp: "${text}"`);
  const frac = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  return (
    Date.UTC(
      Number(m[1]),
      Number(m[2]) - 1,
      Number(m[3]),
      Number(m[4]),
      Number(m[5]),
      Number(m[6]),
    ) + frac
  );
}
