import { queryAroundPosts, textAroundPosts } from './page-signals.ts';

/**
 * Forum dates as ISO 8601. A time with a stated zone keeps its offset (or Z); a time shown in the
 * page's local zone is returned without offset, which the model documents as "local to the page".
 */

const MONTHS: Record<string, number> = {};
const MONTH_NAMES: string[][] = [
  ['jan', 'january', 'januar', 'janvier', 'gennaio', 'enero', 'jänner', 'janeiro', 'janv'],
  ['feb', 'february', 'februar', 'février', 'fevrier', 'febbraio', 'febrero', 'fevereiro', 'févr', 'fevr'],
  ['mar', 'march', 'märz', 'maerz', 'mars', 'marzo', 'mär', 'março', 'marco'],
  ['apr', 'april', 'avril', 'aprile', 'abril', 'avr'],
  ['may', 'mai', 'maggio', 'mayo', 'maio'],
  ['jun', 'june', 'juni', 'juin', 'giugno', 'junio', 'junho'],
  ['jul', 'july', 'juli', 'juillet', 'luglio', 'julio', 'julho', 'juil'],
  ['aug', 'august', 'août', 'aout', 'agosto'],
  ['sep', 'sept', 'september', 'septembre', 'settembre', 'septiembre', 'setembro'],
  ['oct', 'october', 'oktober', 'okt', 'octobre', 'ottobre', 'octubre', 'outubro'],
  ['nov', 'november', 'novembre', 'noviembre', 'novembro'],
  ['dec', 'december', 'dezember', 'dez', 'décembre', 'decembre', 'dicembre', 'diciembre', 'dezembro', 'déc'],
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

const DAY_MS = 86_400_000;
/** Year 10000: beyond it toISOString writes a six-digit signed year, left to the general path. */
const FAST_LIMIT_MS = 253_402_300_800_000;
let cachedDay = NaN;
/** Character codes of the cached day's "YYYY-MM-DDT". */
const dayCodes: number[] = [];

/**
 * Unix seconds → ISO in UTC ("…T12:00:00Z", milliseconds only when there are some). Importers call it
 * once per chat message and keep the result as long as the conversation is open, so the date part is
 * formatted once per day, and the string is built in one piece: a template literal would leave a chain
 * of string fragments for the garbage collector to copy. The output is exactly `toISOString()` with
 * ".000Z" shortened to "Z".
 */
export function fromUnix(sec: number | string | null | undefined): string | null {
  const n = Number(sec);
  // Past year 9999 Date cannot write the time (RangeError); such a value is damage, not a date.
  if (!Number.isFinite(n) || n <= 0 || n > 253_402_300_799) return null;
  // As the Date constructor does: milliseconds truncated to a whole number.
  const ms = Math.floor(n * 1000);
  if (ms >= FAST_LIMIT_MS) return new Date(n * 1000).toISOString().replace('.000Z', 'Z');
  const day = Math.floor(ms / DAY_MS);
  if (day !== cachedDay) {
    cachedDay = day;
    const prefix = new Date(day * DAY_MS).toISOString();
    for (let i = 0; i < 11; i++) dayCodes[i] = prefix.charCodeAt(i);
  }
  let rest = ms - day * DAY_MS;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const s = rest % 60;
  rest = (rest - s) / 60;
  const mi = rest % 60;
  const h = (rest - mi) / 60;
  const c = dayCodes;
  const h1 = 48 + ((h / 10) | 0);
  const h2 = 48 + (h % 10);
  const m1 = 48 + ((mi / 10) | 0);
  const m2 = 48 + (mi % 10);
  const s1 = 48 + ((s / 10) | 0);
  const s2 = 48 + (s % 10);
  if (!milli) return String.fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, h1, h2, 58, m1, m2, 58, s1, s2, 90);
  const f1 = 48 + ((milli / 100) | 0);
  const f2 = 48 + (((milli / 10) | 0) % 10);
  const f3 = 48 + (milli % 10);
  return String.fromCharCode(c[0]!, c[1]!, c[2]!, c[3]!, c[4]!, c[5]!, c[6]!, c[7]!, c[8]!, c[9]!, c[10]!, h1, h2, 58, m1, m2, 58, s1, s2, 46, f1, f2, f3, 90);
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
  // US numeric 06/02/2010 or 06-02-2010 (MyBB's default) month first, only with a 12-hour clock, where
  // it is unambiguous in practice.
  m = /(\d{1,2})([\/-])(\d{1,2})\2(\d{2,4})/.exec(dateOnly);
  if (m && time?.[4]) return local(year(m[4]!), Number(m[1]), Number(m[3]), h, mi, sec);
  return null;
}

/*
 * Stated timezones. Boards that print times in the reader's zone say which one in the footer:
 * phpBB 3.1+ "All times are <span title="Europe/Berlin">UTC+01:00</span>", phpBB 3.0 "All times are
 * UTC + 1 hour [ DST ]", phpBB 2 "All times are GMT + 1 Hour", vBulletin "All times are GMT +1. The time
 * now is …" (German: "Alle Zeitangaben in WEZ +1"). A named zone is preferred to the printed offset,
 * because the offset is today's and old posts may fall on the other side of a DST change.
 */
const ZONE_LEAD =
  /(?:All times are|Alle Zeiten sind|Alle Zeitangaben in|Fuseau horaire|Toutes les heures sont(?: au format)?|Tutti gli orari sono|Todas las horas son|Alle tijden zijn)\s*(?:UTC|GMT|WEZ)\s*(?:(?:([+\-\u2212])\s*(\d{1,2})(?:([:.])(\d{1,2}))?(?:\s*(?:hours?|Stunden?|heures?|ore|horas?|uur))?)?)(\s*\[\s*(?:DST|Sommerzeit|heure d'été)\s*\])?/i;
// vBulletin writes half-hour zones as decimals ("GMT +5.5"); phpBB as minutes ("UTC+05:30").

/** ZONE_LEAD's opening phrases, lower-cased: found with indexOf, far faster than the regex over a long page. */
const ZONE_PHRASES = ['all times are', 'fuseau horaire', 'alle zeiten sind', 'alle zeitangaben in', 'toutes les heures sont', 'tutti gli orari sono', 'todas las horas son', 'alle tijden zijn'];
const ZONE_AT = new RegExp(ZONE_LEAD.source, 'iy');

/** The first place in the (lower-cased) page text where ZONE_LEAD matches, as ZONE_LEAD.exec would find it. */
function findZoneLead(text: string): RegExpExecArray | null {
  const starts: number[] = [];
  for (const p of ZONE_PHRASES) for (let i = text.indexOf(p); i >= 0; i = text.indexOf(p, i + 1)) starts.push(i);
  for (const i of starts.sort((a, b) => a - b)) {
    ZONE_AT.lastIndex = i;
    const m = ZONE_AT.exec(text);
    if (m) return m;
  }
  return null;
}

const zoneTitle = (el: Element) => el.localName === 'span' && (el.getAttribute('title') ?? '').includes('/');

/** The zone the page says its times are shown in: a fixed offset ("+01:00", "Z") or an IANA name; null when unstated. */
export function statedTimezone(doc: Document): string | null {
  const body = doc.body ?? doc.documentElement;
  if (!body) return null;
  const m = findZoneLead(textAroundPosts(doc, body).toLowerCase().replace(/\u00a0/g, ' '));
  if (!m) return null;
  // Around the posts, where the lead was found: a post's own titled spans say nothing of the page's zone.
  for (const span of queryAroundPosts(doc, 'span[title*="/"]', ['span'], zoneTitle)) {
    // The text first: checking a name builds a date formatter, and a page has many titled spans.
    if (!/^(UTC|GMT)\s*[+\-\u2212]?/i.test((span.textContent ?? '').trim())) continue;
    const name = zoneName(span.getAttribute('title')!);
    if (name) return name;
  }
  const part = m[4] ? (m[3] === '.' ? Math.round(Number(`0.${m[4]}`) * 60) : Number(m[4])) : 0;
  let minutes = m[1] ? (m[1] === '+' ? 1 : -1) * (Number(m[2]) * 60 + part) : 0;
  if (m[5]) minutes += 60;
  return offsetString(minutes);
}

/** Names Intl rejected, remembered: each rejection costs a thrown error. */
const notZones = new Set<string>();

/** Whether Intl knows the zone; a known one's formatter is kept for reading offsets (`zoneFormat`). */
function isZoneName(name: string): boolean {
  if (notZones.has(name)) return false;
  try {
    zoneFormat(name);
    return true;
  } catch {
    if (notZones.size > 1000) notZones.clear();
    notZones.add(name);
    return false;
  }
}

/*
 * phpBB language packs translate the zone's title ("Europa/Berlin", "Europa/Wien", "Amérique/New_York").
 * The common regions and cities are mapped back to IANA names; an unknown translation falls back to the
 * printed offset, which is right for posts in the same DST season as the save and an hour off otherwise.
 */
const REGIONS: Record<string, string> = {
  europa: 'Europe', amerika: 'America', amérique: 'America', america: 'America', asien: 'Asia', asie: 'Asia', asia: 'Asia',
  afrika: 'Africa', afrique: 'Africa', africa: 'Africa', australien: 'Australia', australie: 'Australia',
  atlantik: 'Atlantic', atlantique: 'Atlantic', atlantico: 'Atlantic', pazifik: 'Pacific', pacifique: 'Pacific', pacifico: 'Pacific',
};
const CITIES: Record<string, string> = {
  wien: 'Vienna', vienne: 'Vienna', zürich: 'Zurich', rom: 'Rome', roma: 'Rome', brüssel: 'Brussels', bruxelles: 'Brussels',
  kopenhagen: 'Copenhagen', warschau: 'Warsaw', varsovie: 'Warsaw', prag: 'Prague', moskau: 'Moscow', lissabon: 'Lisbon',
  lisbonne: 'Lisbon', athen: 'Athens', athènes: 'Athens', belgrad: 'Belgrade', bukarest: 'Bucharest', londres: 'London',
  luxemburg: 'Luxembourg', kiew: 'Kiev', kyjiw: 'Kyiv', sofija: 'Sofia', madrid: 'Madrid', paris: 'Paris', berlin: 'Berlin',
};

function zoneName(title: string): string | null {
  const t = title.trim().replace(/ /g, '_');
  if (isZoneName(t)) return t;
  const [region, ...rest] = t.split('/');
  const mapped = [REGIONS[region!.toLowerCase()] ?? region, ...rest.map((c) => CITIES[c.toLowerCase()] ?? c)].join('/');
  return isZoneName(mapped) ? mapped : null;
}

function offsetString(minutes: number): string {
  if (minutes === 0) return 'Z';
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using one, and a long thread asks per post. */
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(zone: string): Intl.DateTimeFormat {
  let f = zoneFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    zoneFormats.set(zone, f);
  }
  return f;
}

/*
 * Offsets found so far, per zone and quarter hour: since the 1970s every zone's offsets and change times
 * fall on quarter hours, so one answer holds for its whole quarter, and a thread's posts share many.
 */
const QUARTER_HOUR = 15 * 60_000;
const QUARTER_HOURS_SINCE = Date.UTC(1973, 0, 1); // Liberia's -00:44:30 ended in 1972
const offsets = new Map<string, number>();

/** Offset of an IANA zone at an instant, in minutes. */
function offsetAtInstant(ms: number, zone: string): number {
  if (ms < QUARTER_HOURS_SINCE) return formatOffset(ms, zone);
  const key = `${zone} ${Math.floor(ms / QUARTER_HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = formatOffset(ms, zone);
    if (offsets.size > 50_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

function formatOffset(ms: number, zone: string): number {
  const parts = zoneFormat(zone).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Math.round((Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - ms) / 60000);
}

/** Offset of an IANA zone at a wall-clock time in that zone: a second look at the corrected instant gets DST changes right. */
function zoneOffsetAt(local: string, zone: string): number {
  const asUtc = Date.parse(`${local}Z`);
  return offsetAtInstant(asUtc - offsetAtInstant(asUtc, zone) * 60000, zone);
}

const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** A page-local time with the page's stated zone attached; times that already carry a zone are left alone. */
export function inZone(local: string | null | undefined, zone: string): string | null {
  if (!local) return local ?? null;
  if (!LOCAL_TIME.test(local)) return local;
  const offset = /^(Z|[+-]\d{2}:\d{2})$/.test(zone) ? zone : offsetString(zoneOffsetAt(local, zone));
  return `${local}${offset}`;
}

/** Applies a page's stated timezone to every post time the adapter read as local. */
export function honourStatedZone<T extends { posts: { publishedAt?: string | null }[] }>(thread: T, doc: Document): T {
  if (!thread.posts.some((p) => p.publishedAt && LOCAL_TIME.test(p.publishedAt))) return thread;
  const zone = statedTimezone(doc);
  if (!zone) return thread;
  return { ...thread, posts: thread.posts.map((p) => ({ ...p, publishedAt: inZone(p.publishedAt, zone) })) };
}
