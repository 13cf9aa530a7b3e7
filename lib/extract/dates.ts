/**
 * Forum dates as ISO 8601. A time with a stated zone keeps its offset (or Z); a time shown in the
 * page's local zone is returned without offset, which the model documents as "local to the page".
 */

const MONTHS: Record<string, number> = {};
const MONTH_NAMES: string[][] = [
  ['jan', 'january', 'januar', 'janvier', 'gennaio', 'enero', 'jänner', 'janeiro'],
  ['feb', 'february', 'februar', 'février', 'fevrier', 'febbraio', 'febrero', 'fevereiro'],
  ['mar', 'march', 'märz', 'maerz', 'mars', 'marzo', 'mär', 'março', 'marco'],
  ['apr', 'april', 'avril', 'aprile', 'abril'],
  ['may', 'mai', 'maggio', 'mayo', 'maio'],
  ['jun', 'june', 'juni', 'juin', 'giugno', 'junio', 'junho'],
  ['jul', 'july', 'juli', 'juillet', 'luglio', 'julio', 'julho'],
  ['aug', 'august', 'août', 'aout', 'agosto'],
  ['sep', 'sept', 'september', 'septembre', 'settembre', 'septiembre', 'setembro'],
  ['oct', 'october', 'oktober', 'okt', 'octobre', 'ottobre', 'octubre', 'outubro'],
  ['nov', 'november', 'novembre', 'noviembre', 'novembro'],
  ['dec', 'december', 'dezember', 'dez', 'décembre', 'decembre', 'dicembre', 'diciembre', 'dezembro'],
];
MONTH_NAMES.forEach((names, i) => names.forEach((n) => (MONTHS[n] = i + 1)));

const pad = (n: number) => String(n).padStart(2, '0');

function local(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): string | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}`;
}

function hour12(h: number, ampm: string | undefined): number {
  if (!ampm) return h;
  const pm = /^p/i.test(ampm);
  if (h === 12) return pm ? 12 : 0;
  return pm ? h + 12 : h;
}

function year(y: string): number {
  const n = Number(y);
  return y.length === 2 ? (n > 69 ? 1900 + n : 2000 + n) : n;
}

/** An ISO-like machine date (from a datetime attribute or JSON): normalised, keeping its zone. */
export function isoDate(s: string | null | undefined): string | null {
  if (!s) return null;
  const t = s.trim();
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(t)) {
    const norm = t.replace(' ', 'T');
    return /T/.test(norm) ? norm.replace(/([+-]\d{2})(\d{2})$/, '$1:$2') : `${norm}T00:00:00`;
  }
  return null;
}

/** Unix seconds → ISO in UTC. */
export function fromUnix(sec: number | string | null | undefined): string | null {
  const n = Number(sec);
  if (!Number.isFinite(n) || n <= 0) return null;
  return new Date(n * 1000).toISOString().replace('.000Z', 'Z');
}

/** A date as people read it on forum pages ("Wed Jun 02, 2010 11:01 pm", "21.01.2009, 05:42", "June 19, 2015, 6:45am"). */
export function parseForumDate(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const s = raw.replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();
  const iso = isoDate(s);
  if (iso) return iso;
  const time = /(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?/i.exec(s);
  const h = time ? hour12(Number(time[1]), time[4]) : 0;
  const mi = time ? Number(time[2]) : 0;
  const sec = time?.[3] ? Number(time[3]) : 0;
  const dateOnly = time ? s.slice(0, time.index) + ' ' + s.slice(time.index + time[0].length) : s;

  // 21.01.2009 or 21/01/2009 (day first, as European boards write it), 2009/01/21
  let m = /(\d{4})[./-](\d{1,2})[./-](\d{1,2})/.exec(dateOnly);
  if (m) return local(Number(m[1]), Number(m[2]), Number(m[3]), h, mi, sec);
  m = /(\d{1,2})\.(\d{1,2})\.(\d{2,4})/.exec(dateOnly);
  if (m) return local(year(m[3]!), Number(m[2]), Number(m[1]), h, mi, sec);
  // Month-name forms: "Jun 02, 2010", "2 June 2010", "02. Juni 2010"
  m = /([A-Za-zäéû]{3,})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})/.exec(dateOnly);
  if (m && MONTHS[m[1]!.toLowerCase()]) return local(Number(m[3]), MONTHS[m[1]!.toLowerCase()]!, Number(m[2]), h, mi, sec);
  m = /(\d{1,2})(?:st|nd|rd|th)?\.? ([A-Za-zäéû]{3,})\.?,? (\d{4})/.exec(dateOnly);
  if (m && MONTHS[m[2]!.toLowerCase()]) return local(Number(m[3]), MONTHS[m[2]!.toLowerCase()]!, Number(m[1]), h, mi, sec);
  // US numeric 06/02/2010 (month first) only with a 12-hour clock, where it is unambiguous in practice.
  m = /(\d{1,2})\/(\d{1,2})\/(\d{2,4})/.exec(dateOnly);
  if (m && time?.[4]) return local(year(m[3]!), Number(m[1]), Number(m[2]), h, mi, sec);
  return null;
}
