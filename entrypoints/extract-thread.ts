import { extractLivePage } from '../lib/ext/page-extract.ts';

/** Injected on demand into the tab the user asked to capture (activeTab + scripting); returns the thread. */
export default defineUnlistedScript(() => extractLivePage(false));
