import { DOMParser as XmlDocumentParser } from 'linkedom/worker';
import type { DomKit } from './index.ts';
import { linkedomKit, parsedBy } from './linkedom.ts';

/**
 * The DOM off the browser (CLI, hub, tests, benchmarks): linkedomKit, with XML parsed by a second copy
 * of linkedom (its worker build, the same version bundled whole). linkedom keeps one module-wide
 * WeakMap entry for every node it ever made; while a large document is alive, each new node costs more
 * (the map's rehashing and the collector's work grow with it), so reading a BGG response's post bodies
 * (a small HTML document each) slowed per post as the thread grew: 8,000 bodies took 41 s beside their
 * 8,000-article response, 1.8 s with the response held by the other copy.
 *
 * A file of its own so that the extension, which imports linkedomKit alone, does not bundle the second
 * copy (about 350 kB in each of the service worker and the import worker).
 */
export const nodeKit: DomKit = {
  parseHtml: linkedomKit.parseHtml,
  parseXml: (xml) => parsedBy(XmlDocumentParser, xml, 'xml'),
};
