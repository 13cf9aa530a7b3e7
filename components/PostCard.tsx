import { memo } from 'preact/compat';
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
  /** Shown as one line (author, number, first words); the body is not rendered at all. */
  collapsed?: boolean;
  onToggleCollapsed?: () => void;
}

/** The first words of a post, for its one-line collapsed form. */
function firstLine(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 90 ? `${t.slice(0, 90)}…` : t;
}

const ROLE_WORDS: Record<Role, string> = { question: 'question', answer: 'answer', use: 'used in the strategy' };

function PostCardView({ post, index, role, kind, onRole, current, used, suggested, onFocus, collapsed, onToggleCollapsed }: Props) {
  const cls = ['post', role ? `post--${role}` : '', current ? 'post--current' : '', used ? 'post--used' : '', collapsed ? 'post--collapsed' : ''].filter(Boolean).join(' ');
  return (
    // Roving focus: only the cursor's post is in the tab order; j/k and clicks move it (see CuratePanel).
    <article
      class={cls}
      data-testid="post"
      data-post-id={post.id}
      data-index={index}
      data-current={current ? 'true' : undefined}
      data-used={used ? 'true' : undefined}
      aria-current={current ? 'true' : undefined}
      aria-label={`Post ${index + 1} by ${post.author.name}${role ? `, ${ROLE_WORDS[role]}` : ''}`}
      tabIndex={current ? 0 : -1}
      onClick={onFocus}
      onFocusIn={onFocus}
    >
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
        {onToggleCollapsed && (
          <button type="button" class="link post__fold" data-testid="toggle-post" aria-expanded={!collapsed} onClick={(e) => (e.stopPropagation(), onToggleCollapsed())}>
            {collapsed ? 'Show' : 'Fold'}
          </button>
        )}
      </header>
      {collapsed ? <p class="post__line muted">{firstLine(post.text)}</p> : <SafeHtml class="post__body" html={post.html} />}
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

/**
 * Re-rendered only when what it shows changes. The callbacks are ignored in the comparison: the curate
 * view hands in callbacks that read its latest state when called (see CuratePanel's `live`).
 */
export const PostCard = memo(PostCardView, (a, b) =>
  a.post === b.post && a.index === b.index && a.role === b.role && a.kind === b.kind && a.current === b.current && a.used === b.used && a.suggested === b.suggested && a.collapsed === b.collapsed,
);
