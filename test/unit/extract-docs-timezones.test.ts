import { describe, expect, it } from 'vitest';
import { decodePage } from '../../lib/extract/index.ts';
import { inZone, statedTimezone } from '../../lib/extract/dates.ts';
import { linkedomKit } from '../../lib/extract/linkedom.ts';
import { corpusBytes } from '../support/corpus.ts';
import { extractText } from '../support/extract.ts';

/*
 * Stated timezones. One corpus page states its zone (foren.myoos.de: "Alle Zeiten sind <span
 * title="Europa/Berlin">UTC+02:00</span>", saved in October); the other cases are real pages with the
 * footer line their engine documents put in at run time (replacing the page's own line where it has
 * one). Pages that state nothing keep local times (no offset), which the fidelity suite checks.
 */
const PHPBB3 = ['phpbb/foren.myoos.de-viewtopic-167.html', 'https://foren.myoos.de/viewtopic.php?t=167'] as const;
const PHPBB2 = ['phpbb/phpbb2-forumer-viewtopic-805.html', 'http://freeman.forumer.com/viewtopic.php?t=805'] as const;
const VB4 = ['vbulletin/pocketpc.ch-thread-page34.html', 'https://www.pocketpc.ch/windows-phone-7-allgemein/122760-microsoft-beginnt-auslieferung-vorbereitungsupdate-34.html'] as const;
const SA = ['vbulletin/sa-forums-showthread-canadian-politics.html', 'https://forums.somethingawful.com/showthread.php?threadid=3507451&pagenumber=5'] as const;
const SMF = ['smf/smf2-rc3-topic-38573-faq.html', 'http://forums.contribs.org/index.php?topic=38573.0'] as const;
const XF = ['xenforo/katzen-forum.net-pepe.html', 'https://www.katzen-forum.net/threads/jede-nacht-verliert-pepe-soviel-dreck-aus-dem-fell.230143/'] as const;

function withFooter([file, url]: readonly [string, string], footer: string) {
  const saved = decodePage(corpusBytes(file));
  const own = /Alle Zeiten sind <span[^>]*>[^<]*<\/span>/;
  const html = own.test(saved) ? saved.replace(own, footer) : saved.replace(/<\/body>/i, `<div class="footer">${footer}</div></body>`);
  return extractText(html, url);
}
const first = (t: ReturnType<typeof extractText>) => t.posts[0]!.publishedAt;

describe('times honour the zone a page states', () => {
  it('the real phpBB page: its translated zone name ("Europa/Berlin") gives the offset of the post\'s own date', () => {
    // Saved in summer (UTC+02:00 printed), the post is from January: Berlin was on UTC+01:00 then.
    expect(first(extractText(decodePage(corpusBytes(PHPBB3[0])), PHPBB3[1]))).toBe('2009-01-21T05:42:00+01:00');
    expect(statedTimezone(linkedomKit.parseHtml(decodePage(corpusBytes(PHPBB3[0]))))).toBe('Europe/Berlin');
    expect(first(withFooter(PHPBB3, 'Alle Zeiten sind <span title="Europa/Wien">UTC+02:00</span>'))).toBe('2009-01-21T05:42:00+01:00');
    // An untranslatable name falls back to the printed offset.
    expect(first(withFooter(PHPBB3, 'Alle Zeiten sind <span title="Nirgendwo/Irgendwo">UTC+02:00</span>'))).toBe('2009-01-21T05:42:00+02:00');
  });
  it('phpBB 3.1+: a named zone wins over the printed offset and follows DST', () => {
    const t = withFooter(PHPBB3, 'Alle Zeiten sind <span title="Europe/Berlin">UTC+01:00</span>');
    expect(first(t)).toBe('2009-01-21T05:42:00+01:00');
    const summer = withFooter(PHPBB3, 'All times are <span title="America/New_York">UTC-05:00</span>');
    expect(first(summer)).toBe('2009-01-21T05:42:00-05:00');
    expect(inZone('2009-07-21T05:42:00', 'Europe/Berlin')).toBe('2009-07-21T05:42:00+02:00');
    expect(inZone('2009-07-21T05:42:00', 'America/New_York')).toBe('2009-07-21T05:42:00-04:00');
  });
  it('phpBB 3.0 "UTC + 1 hour [ DST ]" adds the summer hour', () => {
    expect(first(withFooter(PHPBB3, 'All times are UTC + 1 hour [ DST ]'))).toBe('2009-01-21T05:42:00+02:00');
  });
  it('phpBB 2 "All times are GMT - 5 Hours"', () => {
    const t = withFooter(PHPBB2, 'All times are GMT - 5 Hours');
    expect(t.posts.map((p) => p.publishedAt).slice(0, 2)).toEqual(['2010-06-02T23:01:00-05:00', '2010-06-03T19:27:00-05:00']);
  });
  it('vBulletin "All times are GMT +1", German "Alle Zeitangaben in WEZ +1", plain GMT', () => {
    expect(first(withFooter(VB4, 'Alle Zeitangaben in WEZ +1. Es ist jetzt <span class="time">22:05</span> Uhr.'))).toBe('2011-03-03T14:17:00+01:00');
    expect(first(withFooter(SA, 'All times are GMT +5.5. The time now is 10:05 PM.'))).toBe('2012-09-20T11:16:00+05:30');
    expect(first(withFooter(SA, 'All times are GMT +5:30. The time now is 10:05 PM.'))).toBe('2012-09-20T11:16:00+05:30');
    expect(first(withFooter(SA, 'All times are GMT. The time now is 10:05 PM.'))).toBe('2012-09-20T11:16:00Z');
  });
  it('SMF states nothing: times stay local; XenForo times already carry their offset and are left alone', () => {
    expect(first(withFooter(SMF, 'Powered by SMF 2.0 RC3'))).toBe('2007-09-19T13:08:14');
    expect(first(withFooter(XF, 'All times are UTC-07:00'))).toBe('2018-09-27T14:51:09+02:00');
  });
  it('a page that states nothing has no zone', () => {
    expect(statedTimezone(linkedomKit.parseHtml(decodePage(corpusBytes(SMF[0]))))).toBeNull();
    expect(statedTimezone(linkedomKit.parseHtml('<html><body><p>All times are wonderful</p></body></html>'))).toBeNull();
  });
  it('a post that quotes some board\'s footer does not set this page\'s zone; the page\'s own footer still does', () => {
    // The SMF page states no zone; one of its posts now quotes another board's footer line.
    const saved = decodePage(corpusBytes(SMF[0]));
    const quoting = saved.replace(/(<div class="inner" id="msg_\d+">)/, '$1On my board it says: All times are GMT +5. ');
    expect(quoting).not.toBe(saved);
    expect(first(extractText(quoting, SMF[1]))).toBe('2007-09-19T13:08:14');
    const stated = quoting.replace(/<\/body>/i, '<div class="footer">All times are GMT -3.</div></body>');
    expect(first(extractText(stated, SMF[1]))).toBe('2007-09-19T13:08:14-03:00');
    // Above the posts counts as much as below them.
    const header = quoting.replace(/(<body[^>]*>)/i, '$1<div class="navbar">All times are GMT +2.</div>');
    expect(header).not.toBe(quoting);
    expect(first(extractText(header, SMF[1]))).toBe('2007-09-19T13:08:14+02:00');
  });
  it('a zone named inside a post does not override the one the footer names', () => {
    // The phpBB page's footer names Europa/Berlin; a post now quotes a footer naming New York, in the
    // same markup. Berlin in January is +01:00; New York would be -05:00.
    const saved = decodePage(corpusBytes(PHPBB3[0]));
    const quoting = saved.replace(/(<div class="content">)/, '$1All times are <span title="America/New_York">UTC-05:00</span> there. ');
    expect(quoting).not.toBe(saved);
    expect(first(extractText(quoting, PHPBB3[1]))).toBe('2009-01-21T05:42:00+01:00');
    // With no named zone in the footer, the post's span is still not read: the footer's printed offset is.
    const unnamed = quoting.replace(/Alle Zeiten sind <span[^>]*>([^<]*)<\/span>/, 'Alle Zeiten sind $1');
    expect(unnamed).not.toBe(quoting);
    expect(first(extractText(unnamed, PHPBB3[1]))).toBe('2009-01-21T05:42:00+02:00');
  });
});

/** The offset of `zone` at a local time, worked out from Intl with nothing remembered between calls. */
function referenceOffset(local: string, zone: string): string {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const at = (ms: number) => {
    const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    return Math.round((Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!) - ms) / 60000);
  };
  const asUtc = Date.parse(`${local}Z`);
  const m = at(asUtc - at(asUtc) * 60000);
  const abs = Math.abs(m);
  return m === 0 ? 'Z' : `${m < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

describe('zone offsets stay exact across changes', () => {
  // Remembered offsets must never leak across a DST change: every minute around real transitions,
  // including Lord Howe's half-hour shift and Chatham's +12:45, checked against Intl afresh.
  const windows: [string, string][] = [
    ['Europe/Berlin', '2021-03-28T00:30:00'],
    ['Europe/Berlin', '2021-10-31T01:00:00'],
    ['America/New_York', '2015-11-01T00:30:00'],
    ['Australia/Lord_Howe', '2020-04-05T01:00:00'],
    ['Pacific/Chatham', '2019-09-29T02:00:00'],
    ['Asia/Kathmandu', '1986-01-01T00:00:00'],
  ];
  for (const [zone, start] of windows) {
    it(`${zone} around ${start.slice(0, 10)}`, () => {
      const t0 = Date.parse(`${start}Z`);
      for (let m = 0; m < 180; m++) {
        const local = new Date(t0 + m * 60_000).toISOString().slice(0, 19);
        expect(inZone(local, zone), `${zone} ${local}`).toBe(`${local}${referenceOffset(local, zone)}`);
      }
    });
  }
});
