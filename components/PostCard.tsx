import type { Post } from '../lib/model/thread.ts';
import type { Role } from '../lib/curate/editor.ts';
import { SafeHtml } from './SafeHtml.tsx';

interface Props {
  post: Post;
  index: number;
  role: Role | null;
  kind: 'qa' | 'strategy';
  onRole: (role: Role) => void;
  /** The keyboard cursor is on this post. */
  current?: boolean;
  /** An entry already submitted from this thread uses this post. */
  used?: boolean;
  /** Accepted or well-scored: worth suggesting as an answer. */
  suggested?: boolean;
  onFocus?: () => void;
}

export function PostCard({ post, index, role, kind, onRole, current, used, suggested, onFocus }: Props) {
  const cls = ['post', role ? `post--${role}` : '', current ? 'post--current' : '', used ? 'post--used' : ''].filter(Boolean).join(' ');
  return (
    <article class={cls} data-testid="post" data-post-id={post.id} data-current={current ? 'true' : undefined} data-used={used ? 'true' : undefined} onClick={onFocus}>
      <header class="post__head">
        <span class="post__num">#{index + 1}</span>
        {post.author.url ? (
          <a class="post__author" href={post.author.url} target="_blank" rel="noopener noreferrer">
            {post.author.name}
          </a>
        ) : (
          <span class="post__author">{post.author.name}</span>
        )}
        {post.publishedAt && <time class="post__time">{post.publishedAt.replace('T', ' ').replace(/:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$/, (_m, _f, z) => (z ? ` ${z === 'Z' ? 'UTC' : z}` : ''))}</time>}
        {post.score !== null && <span class="post__score">▲ {post.score}</span>}
        {post.accepted && <span class="post__accepted">accepted</span>}
        {suggested && kind === 'qa' && role !== 'answer' && role !== 'question' && (
          <span class="post__suggested" data-testid="suggested">
            suggested answer
          </span>
        )}
        {used && (
          <span class="post__used" data-testid="used">
            used in a submitted entry
          </span>
        )}
      </header>
      <SafeHtml class="post__body" html={post.html} />
      <footer class="post__actions">
        {kind === 'qa' ? (
          <>
            <button type="button" aria-pressed={role === 'question'} data-testid="mark-question" title="q" onClick={() => onRole('question')}>
              Question
            </button>
            <button type="button" aria-pressed={role === 'answer'} data-testid="mark-answer" title="a" onClick={() => onRole('answer')}>
              Answer
            </button>
          </>
        ) : (
          <button type="button" aria-pressed={role === 'use'} data-testid="mark-use" title="s" onClick={() => onRole('use')}>
            Use in strategy
          </button>
        )}
        {post.permalink && (
          <a href={post.permalink} target="_blank" rel="noopener noreferrer">
            source
          </a>
        )}
      </footer>
    </article>
  );
}
