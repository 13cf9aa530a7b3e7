/**
 * The curate view's heavy parts (language detection, personal-data detection with phone numbers,
 * Markdown), loaded after the posts are on screen so the first paint after a capture does not wait
 * for them.
 */
export { entryLanguage } from '../lib/curate/language.ts';
export { keepHandlesFor, piiVerdict } from '../lib/curate/privacy.ts';
export { EditorField } from './EditorField.tsx';
