import { DOMParser as LinkedomParser } from 'linkedom';
import type { DomKit } from './index.ts';
import { useAttributeReader, type AttributeReader } from './dom.ts';
import { useElementScan, type ElementScan } from './page-signals.ts';
import { capDepth, noteFlattened } from './depth-cap.ts';
import { joinTextRuns } from './xml-text-runs.ts';
import { useNodeScan, type NodeScan } from './generic/walk.ts';

/**
 * The DOM where the browser has none (the extension's service worker and import worker) and, through
 * linkedom-node.ts, in the CLI, the hub, tests and benchmarks: linkedom, measured fastest here.
 */
export const linkedomKit: DomKit = {
  parseHtml: (html) => parsedBy(LinkedomParser, html, 'html'),
  parseXml: (xml) => parsedBy(LinkedomParser, xml, 'xml'),
};

/** A linkedom build's parser: the package's own, or its worker build (linkedom-node.ts). */
export type LinkedomParserClass = new () => { parseFromString(text: string, type: 'text/html' | 'text/xml'): unknown };

/**
 * Parsed with nesting capped first: linkedom's parser takes time quadratic in depth (depth-cap.ts). XML
 * text runs are joined into one node each (xml-text-runs.ts), or a large response makes millions of nodes.
 */
export function parsedBy(Parser: LinkedomParserClass, text: string, kind: 'html' | 'xml'): Document {
  const capped = capDepth(text, kind);
  const joined = kind === 'xml' ? joinTextRuns(capped.text) : null;
  const doc = new Parser().parseFromString(joined?.text ?? capped.text, kind === 'html' ? 'text/html' : 'text/xml') as unknown as Document;
  joined?.restore(doc);
  if (kind === 'html') bodyAfterHead(doc);
  return noteFlattened(doc, capped.flattened);
}

/** The elements an HTML parser puts in the head when they come after `</head>` (HTML's "after head" insertion mode). */
const HEAD_CONTENT = new Set(['base', 'basefont', 'bgsound', 'link', 'meta', 'noframes', 'script', 'style', 'template', 'title']);

/**
 * Elements written between `</head>` and `<body>` placed where a browser's parser puts them: head
 * content into the head, anything else at the start of the body. linkedom leaves them between the two,
 * and its `document.body` then answers with a new empty body inserted after the head (it looks only at
 * the head's next sibling), so a page such as a XenForo theme that writes scripts and links after
 * `</head>` read as a page without content to everything that starts from the body (Readability, the
 * page's text for licence detection, the dates' context).
 */
function bodyAfterHead(doc: Document): void {
  const root = doc.documentElement;
  if (!root) return;
  let head: Element | null = null;
  let body: Element | null = null;
  for (let el = root.firstElementChild; el; el = el.nextElementSibling) {
    if (el.localName === 'head' && !head) head = el;
    else if (el.localName === 'body') {
      body = el;
      break;
    }
  }
  if (!head || !body || head.nextElementSibling === body) return;
  const stray: Element[] = [];
  for (let el = head.nextElementSibling; el && el !== body; el = el.nextElementSibling) stray.push(el);
  let at: ChildNode | null = body.firstChild;
  for (const el of stray) {
    if (HEAD_CONTENT.has(el.localName)) head.appendChild(el);
    else body.insertBefore(el, at);
  }
}

/*
 * linkedom keeps a document as one list of nodes: each element's start, its attributes, its content and
 * a node marking its end, linked under symbols it does not export. Reading that list visits every
 * element and its attributes in one pass, where firstElementChild, nextElementSibling and a
 * getAttributeNode per attribute asked about each re-walk parts of it: the page index of a long thread
 * is built in about 60% of the time. The symbols are found by their descriptions; when a document does
 * not look as expected (another DOM, another linkedom), the scan declines and the standard walk runs.
 * test/unit/extract-page-index.test.ts checks that the pinned linkedom takes this path and that both
 * paths index every corpus page alike.
 */
interface Linked {
  nodeType: number;
  localName?: string;
  name?: string;
  value?: string;
  [key: symbol]: Linked | undefined;
}

const ELEMENT = 1;
const ATTRIBUTE = 2;
const TEXT = 3;
const ELEMENT_END = -1;

/** linkedom's two list symbols: a node's successor in the list, and an element's end marker. */
interface Links {
  next: symbol;
  end: symbol;
}
let known: Links | null = null;

/** The list symbols, found on `node` by their descriptions when not known yet or not on it; null when it has none. */
function linksOn(node: Linked): Links | null {
  if (!known || !(known.next in node)) {
    const symbols = Object.getOwnPropertySymbols(node);
    const next = symbols.find((s) => s.description === 'next');
    const end = symbols.find((s) => s.description === 'end');
    known = next && end ? { next, end } : null;
  }
  return known;
}

/** A root's part of the list: its successor and end-marker symbols, and the marker that ends it. */
interface RootList {
  root: Linked;
  next: symbol;
  endOf: symbol;
  stop: Linked;
}

/** The root's list, when it has the end marker and reaches the same first child element as the DOM does. */
function listOf(rootElement: Element): RootList | null {
  const root = rootElement as unknown as Linked;
  const links = linksOn(root);
  if (!links) return null;
  const end = root[links.end];
  if (end?.nodeType !== ELEMENT_END) return null;
  let first = root[links.next];
  while (first && first !== end && first.nodeType !== ELEMENT && first.nodeType !== ELEMENT_END) first = first[links.next];
  const expected = rootElement.firstElementChild as unknown as Linked | null;
  return (expected ? first === expected : first === end) ? { root, next: links.next, endOf: links.end, stop: end } : null;
}

export const linkedomScan: ElementScan = (rootElement, visit, leave, tape) => {
  const list = listOf(rootElement);
  if (!list) return false;
  const { root, next, endOf, stop } = list;
  // The elements whose end marker is still ahead: each end marker closes the last one opened.
  const open: Linked[] = [];
  for (let x: Linked | undefined = root; x && x !== stop; ) {
    const type = x.nodeType;
    if (type !== ELEMENT) {
      if (type === TEXT) {
        if (tape) {
          // Its value now, while the node is at hand: the generic reader's walk reads it from here.
          tape.texts.push((x as unknown as Text).nodeValue ?? '');
          tape.items.push(x as unknown as Text);
        }
      }
      // An end marker closes its own element, and any left open inside it.
      else if (type === ELEMENT_END) {
        while (open.length) {
          const el = open.pop()!;
          leave(el as unknown as Element);
          if (el[endOf] === x) break;
        }
      }
      x = x[next];
      continue;
    }
    let a = x[next];
    let attributes = false;
    let id: string | undefined;
    let cls: string | undefined;
    let role = false;
    let rel = false;
    for (; a && a.nodeType === ATTRIBUTE; a = a[next]) {
      attributes = true;
      // The first of a name, as getAttributeNode answers.
      const name = a.name;
      if (tape && typeof name === 'string') {
        tape.names.push(name);
        tape.values.push(a.value as string);
      }
      if (name === 'id') id ??= a.value;
      else if (name === 'class') cls ??= a.value;
      else if (name === 'role') role = true;
      else if (name === 'rel') rel = true;
    }
    const tag = x.localName as string;
    visit(x as unknown as Element, tag, attributes, id, role, rel, cls);
    open.push(x);
    // Template contents are not part of the page (querySelector skips them too).
    x = tag === 'template' ? x[endOf] : a;
  }
  // The root, whose end marker ends the scan.
  while (open.length) leave(open.pop() as unknown as Element);
  return true;
};

useElementScan(linkedomScan);

/**
 * Every node below `root` in document order off the same list, for the generic reader's walk
 * (generic/walk.ts `NodeScan`): an element is entered, its text nodes given, its end closes it. Where the
 * standard walk asked linkedom for firstChild and nextSibling at every node (each a walk of the list past
 * attributes or to the element's end marker), this reads each list entry once.
 */
export const linkedomNodeScan: NodeScan = (rootElement, enter, text, leave) => {
  const list = listOf(rootElement);
  if (!list) return false;
  const { root, next, endOf, stop } = list;
  const open: Linked[] = [];
  let x: Linked | undefined = root[next];
  while (x && x.nodeType === ATTRIBUTE) x = x[next];
  while (x && x !== stop) {
    const type = x.nodeType;
    if (type === TEXT) {
      text((x as unknown as Text).nodeValue ?? '');
      x = x[next];
    } else if (type === ELEMENT) {
      let a = x[next];
      while (a && a.nodeType === ATTRIBUTE) a = a[next];
      if (enter(x as unknown as Element)) {
        open.push(x);
        x = a;
      } else {
        // Content not read (script, style, template…), and the element closed by `enter`: on past its end.
        x = x[endOf]?.[next];
      }
    } else {
      if (type === ELEMENT_END) {
        // An end marker closes its own element, and any left open inside it.
        while (open.length) {
          const el = open.pop()!;
          leave();
          if (el[endOf] === x) break;
        }
      }
      x = x[next];
    }
  }
  return true;
};

useNodeScan(linkedomNodeScan);

/**
 * An element's attributes read off the same list (see `AttributeReader` in dom.ts): the attribute nodes
 * follow the element's start. Each value is the first of its name, as `getAttributeNode` answers.
 */
export const linkedomAttributes: AttributeReader = (element, out) => {
  const el = element as unknown as Linked;
  // Every element of linkedom's list has a successor (its end marker at least): when the known symbol
  // reads nothing, this element is from another list and its symbols are looked up again.
  let links = known;
  let first = links ? el[links.next] : undefined;
  if (first === undefined) {
    links = linksOn(el);
    first = links ? el[links.next] : undefined;
    if (!links || first === undefined) return -1;
  }
  const next = links!.next;
  let n = 0;
  for (let a: Linked | undefined = first; a && a.nodeType === ATTRIBUTE; a = a[next]) {
    const name = a.name;
    let value = a.value;
    if (typeof name !== 'string' || typeof value !== 'string') return -1;
    for (let j = 0; j < n; j++) {
      if (out[2 * j] === name) {
        value = out[2 * j + 1]!;
        break;
      }
    }
    out[2 * n] = name;
    out[2 * n + 1] = value;
    n++;
  }
  return n;
};

useAttributeReader(linkedomAttributes);
