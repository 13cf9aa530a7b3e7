import { extractLivePage } from '../lib/ext/page-extract.ts';

/** The fallback the user asks for when no thread was found: the page's main article as one post. */
export default defineUnlistedScript(() => extractLivePage(true));
