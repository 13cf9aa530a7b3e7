import { DOMParser as LinkedomParser } from 'linkedom';
import type { DomKit } from './index.ts';

/** The DOM used off the browser (CLI, tests, benchmarks): linkedom, measured fastest here. */
export const linkedomKit: DomKit = {
  parseHtml: (html) => new LinkedomParser().parseFromString(html, 'text/html') as unknown as Document,
  parseXml: (xml) => new LinkedomParser().parseFromString(xml, 'text/xml') as unknown as Document,
};
