import type { Post } from '../lib/model/thread.ts';
import type { Role } from '../lib/curate/editor.ts';
import { SafeHtml } from './SafeHtml.tsx';

interface Props {
  post: Post;
  index: number;
  role: Role | null;
  kind: 'qa' | 'strategy';
  onRole: (role: Role) => void;
}

export function PostCard({ post, index, role, kind, onRole }: Props) {
  return (
    <article class={`post${role ? ` post--${role}` : ''}`} data-testid="post" data-post-id={post.id}>
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
      </header>
      <SafeHtml class="post__body" html={post.html} />
      <footer class="post__actions">
        {kind === 'qa' ? (
          <>
            <button type="button" aria-pressed={role === 'question'} data-testid="mark-question" onClick={() => onRole('question')}>
              Question
            </button>
            <button type="button" aria-pressed={role === 'answer'} data-testid="mark-answer" onClick={() => onRole('answer')}>
              Answer
            </button>
          </>
        ) : (
          <button type="button" aria-pressed={role === 'use'} data-testid="mark-use" onClick={() => onRole('use')}>
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
