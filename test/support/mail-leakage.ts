/**
 * An independent check of what must never reach a mail message's own text: quoted lines, reply
 * attributions in the common mail clients' languages, Outlook header blocks, cut-quote marks, a "-- "
 * signature, list footers and "x at y" addresses. Written apart from the importer's own rules (lib/import/
 * mail-body.ts), so that the importer is measured, not echoed.
 */
export type Leak = 'quoted' | 'attribution' | 'outlook' | 'cut-mark' | 'signature' | 'list-footer' | 'address';

const CHECKS: [Leak, RegExp][] = [
  ['quoted', /^[ \t]*>/m],
  // One line, or an attribution wrapped over two lines by the writer's client.
  ['attribution', /(?:^|\n)[^\n]{0,160}\b(?:wrote|writes|schrieb|a écrit|escribió|ha scritto|schreef|skrev|kirjoitti|napisał|написал\(а\)|написал|escreveu)\s*:?[ \t]*(?:\n|$)/i],
  // "On <date> <time>, Name <address" whose "> wrote:" the client wrapped onto the next line.
  ['attribution', /^(?:On|Am|Le|El|Il|Op)\s[^\n]*\b\d{1,2}:\d{2}\b[^\n]*<[^>\n]*$/im],
  ['outlook', /^-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Messaggio originale|Oorspronkelijk bericht)\s*-{2,}|^(?:From|Von|De|Van|Da):[^\n]*\n(?:[^\n]*\n)?(?:Sent|Gesendet|Envoyé|Enviado|Inviato|Verzonden|Date|Datum):/im],
  ['cut-mark', /\[(?:\.\.\.|…|snip(?:ped)?)\]/i],
  ['signature', /^-- ?$/m],
  ['list-footer', /_{20,}\s*\n[^\n]*mailing list|^To unsubscribe from the \S+ list/im],
  ['address', /\b[\w.+-]+ at [\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b/i],
];

export function leaksIn(text: string): Leak[] {
  return [...new Set(CHECKS.filter(([, re]) => re.test(text)).map(([k]) => k))];
}
