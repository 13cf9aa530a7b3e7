import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DOMParser } from 'linkedom';
import { DOMParser as WorkerParser } from 'linkedom/worker';
import { decodePage } from '../../lib/extract/index.ts';
import { joinTextRuns } from '../../lib/extract/xml-text-runs.ts';
import { CORPUS, corpusBytes } from '../support/corpus.ts';
import { seededRandom } from '../support/fuzz.ts';

/**
 * The document as the readers see it: elements with their attributes, and the text between markup as
 * one string per run (adjacent text nodes joined, which is all the joining may change), CDATA and
 * comments as they are.
 */
function shape(doc: Document): string {
  const out: string[] = [];
  let text: string | null = null;
  const flush = () => {
    if (text !== null) out.push(`T${JSON.stringify(text)}`);
    text = null;
  };
  const stack: (Node | 'end')[] = [doc];
  while (stack.length) {
    const n = stack.pop()!;
    if (n === 'end') {
      flush();
      out.push('/');
      continue;
    }
    if (n.nodeType === 3) {
      text = (text ?? '') + (n as Text).data;
      continue;
    }
    flush();
    if (n.nodeType === 1) {
      const el = n as Element;
      out.push(`<${el.nodeName} ${Array.from(el.attributes).map((a) => `${a.name}=${JSON.stringify(a.value)}`).join(' ')}`);
    } else if (n.nodeType !== 9) out.push(`${n.nodeType}${JSON.stringify(n.nodeValue)}`);
    stack.push('end');
    for (let c = n.lastChild; c; c = c.previousSibling) stack.push(c);
  }
  flush();
  return out.join('\n');
}

function both(xml: string, Parser: typeof DOMParser = DOMParser): { plain: string; joined: string; nodes: [number, number] } {
  const plainDoc = new Parser().parseFromString(xml, 'text/xml') as unknown as Document;
  const j = joinTextRuns(xml);
  const joinedDoc = new Parser().parseFromString(j?.text ?? xml, 'text/xml') as unknown as Document;
  j?.restore(joinedDoc);
  const count = (d: Document) => {
    let k = 0;
    const stack: Node[] = [d];
    while (stack.length) {
      const n = stack.pop()!;
      k++;
      for (let c = n.firstChild; c; c = c.nextSibling) stack.push(c);
    }
    return k;
  };
  return { plain: shape(plainDoc), joined: shape(joinedDoc), nodes: [count(plainDoc), count(joinedDoc)] };
}

const corpusXml = readdirSync(join(CORPUS, 'bgg'))
  .filter((f) => f.endsWith('.xml'))
  .map((f) => `bgg/${f}`);


describe('XML text runs joined before parsing', () => {
  it.each(corpusXml)('%s: the same document as parsed directly, with fewer text nodes where it holds references', (file) => {
    const xml = decodePage(corpusBytes(file));
    for (const Parser of [DOMParser, WorkerParser as unknown as typeof DOMParser]) {
      const r = both(xml, Parser);
      expect(r.joined).toBe(r.plain);
      if (/&(lt|gt|quot|#\d+);/.test(xml.replace(/<[^>]*>/g, ''))) expect(r.nodes[1]).toBeLessThan(r.nodes[0]);
    }
  });

  it('the thread response of many posts makes a node count that grows with posts, not with references', () => {
    const xml = decodePage(corpusBytes('bgg/bggclient_thread_3208373.xml'));
    const r = both(xml);
    expect(r.joined).toBe(r.plain);
    // Each escaped tag in a body was three text nodes (`&lt;`, name, `&gt;`): joined, far fewer remain.
    expect(r.nodes[1] * 3).toBeLessThan(r.nodes[0]);
  });

  it.each([
    ['named references', '<r><a>1 &lt; 2 &amp;&amp; 3 &gt; 2 &quot;q&quot; &apos;a&apos;</a></r>'],
    ['numeric references, kept and replaced alike', '<r>&#60;b&#62; &#x3c;i&#x3E; &#38;lt; &#039; &#0; &#128; &#x9F; &#xD800; &#1114112; &#x10FFFF; &#X41; &#65 &#xZZ;</r>'],
    ['references the parser leaves alone', '<r>&nbsp; &copy; &lt &amp &unknown; & alone &#;</r>'],
    ['attribute values untouched', '<r a="&lt;x&gt;" b=\'&amp;\' c=&quot;>t &lt; u</r>'],
    ['a > inside a quoted value', '<r a="x>&lt;y" b = \'>&amp;\'>t</r>'],
    ['unquoted value with quotes inside', '<r a=b\'c d="&lt;>">x &lt; y\' &gt;</r>'],
    ['comments, CDATA and processing instructions', '<?xml version="1.0"?><r><!-- a > &lt; --><![CDATA[a > &lt;<b>]]>&lt;&gt;<?pi &lt; > x &amp; y?></r>'],
    ['a declaration with an internal subset', '<!DOCTYPE r [ <!ENTITY e "&lt;"> ]><r>&lt;&e;</r>'],
    ['a stray < in text', '<r>a < b &lt; c</r>'],
    ['a cut tag', '<r>a &lt; b<x y="&lt;'],
    ['stand-in characters already in the text', '<r>\uFDD0 &lt;</r>'],
    ['text around the root', '&lt;before<r>in&amp;</r>after&gt;'],
  ])('%s: the same document', (_name, xml) => {
    const r = both(xml);
    expect(r.joined).toBe(r.plain);
  });

  it('seeded mutations of a corpus response (markup characters and references inserted): the same document', () => {
    const base = decodePage(corpusBytes('bgg/bggclient_thread_3208373.xml')).slice(0, 6000);
    const pieces = ['<', '>', '&', '"', "'", '=', ' ', '&lt;', '&gt;', '&amp;', '&#60;', '&#x26;', '<!--', '-->', '<![CDATA[', ']]>', '<?', '?>', '<!', '<a>', '</a>', '\uFDD1'];
    const next = seededRandom(17);
    for (let k = 0; k < 300; k++) {
      let xml = base;
      const edits = 1 + Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * xml.length);
        xml = xml.slice(0, at) + pieces[Math.floor(next() * pieces.length)] + xml.slice(at);
      }
      const r = both(xml);
      expect(r.joined, `case ${k}`).toBe(r.plain);
    }
  });
});
