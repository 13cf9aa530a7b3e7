import type { Thread } from '../lib/model/thread.ts';
import type { Source } from '../lib/model/entry.ts';
import { distinctAuthors, sameAuthor } from '../lib/license/permissions.ts';

interface Props {
  thread: Thread;
  sources: Source[];
  marked: string[];
  onChange: (permissionPostIds: string[]) => void;
}

const excerpt = (text: string) => {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 90 ? `${t.slice(0, 89)}…` : t;
};

/**
 * Basis author_opt_in: per author of the entry's sources, the post of theirs in the captured thread
 * in which they grant permission. Only their own posts are offered: nobody grants for someone else.
 */
export function AuthorPermissions({ thread, sources, marked, onChange }: Props) {
  const authors = distinctAuthors(sources.map((s) => s.author));
  if (!authors.length) return <p class="hint">Mark the posts the entry uses; each of their authors then needs a permission.</p>;
  const lacking = authors.filter((a) => !marked.some((id) => thread.posts.some((p) => p.id === id && sameAuthor(p.author, a))));
  return (
    <div class="permissions" data-testid="permissions">
      <p class="hint">For each author, mark the post in this thread in which they grant permission to use their posts.</p>
      {authors.map((a, i) => {
        const theirs = thread.posts.filter((p) => sameAuthor(p.author, a) && p.text.trim());
        const chosen = marked.find((id) => theirs.some((p) => p.id === id)) ?? '';
        const choose = (id: string) => onChange([...marked.filter((m) => !theirs.some((p) => p.id === m)), ...(id ? [id] : [])]);
        return (
          <label key={`${a.url ?? ''}|${a.name}`}>
            This post grants permission for {a.name}
            <select data-testid={`permission-${i}`} value={chosen} onChange={(e) => choose(e.currentTarget.value)}>
              <option value="">No post marked</option>
              {theirs.map((p) => (
                <option key={p.id} value={p.id}>
                  {excerpt(p.text)}
                </option>
              ))}
            </select>
          </label>
        );
      })}
      {lacking.length > 0 && (
        <p class="warn" data-testid="permission-missing">
          No permission recorded for {lacking.map((a) => a.name).join(', ')}. Mark the post in which each grants it, remove their posts from the entry, or choose another basis.
        </p>
      )}
    </div>
  );
}
