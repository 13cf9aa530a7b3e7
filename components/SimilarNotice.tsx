import { useEffect, useState } from 'preact/hooks';
import type { HubSimilarRequest } from '../lib/model/similar.ts';
import { similarSentence, type SimilarLookup } from '../lib/hub/similar.ts';

/** Waits this long after the last change before asking the hub, so typing a question sends one lookup, not one per key. */
const SETTLE_MS = 800;

/**
 * "A similar entry exists": asked of the paired hub while the entry is chosen and written. A notice only,
 * never a block: the contributor may know better, and the moderator compares them anyway.
 */
export function SimilarNotice({ request, lookup }: { request: HubSimilarRequest | null; lookup: (r: HubSimilarRequest) => Promise<SimilarLookup> }) {
  const [found, setFound] = useState<SimilarLookup | null>(null);
  const key = request ? JSON.stringify(request) : '';
  useEffect(() => {
    if (!request) return setFound(null);
    let live = true;
    const t = setTimeout(() => {
      void lookup(request).then((r) => live && setFound(r));
    }, SETTLE_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [key]);
  if (found?.kind !== 'found') return null;
  return (
    <p class="notice" role="status" data-testid="similar-notice">
      {similarSentence(found.entries)}
    </p>
  );
}
