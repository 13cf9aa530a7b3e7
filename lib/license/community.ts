/**
 * A community, for the moderator attestation basis, is where its posts live on the web: a forum's host,
 * optionally narrowed by a path prefix when several communities share one host
 * (`forum.example`, `example.org/forum`). The hub records which accounts moderate which community
 * (a hub moderator vouches for them), and an attestation covers a source only inside that community.
 */

/**
 * The canonical form of a community given as a host, a host and path, or a full address: lower-case
 * host (with its port, if any), the path without a trailing slash, no scheme, query or fragment.
 * Returns null for something that is no web host.
 */
export function normaliseCommunity(input: string): string | null {
  const raw = input.trim();
  if (!raw || /\s/.test(raw)) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (!u.hostname.includes('.') && u.hostname !== 'localhost' && !/^\[/.test(u.hostname)) return null;
  return `${u.host.toLowerCase()}${decodedPath(u).replace(/\/+$/, '')}`;
}

/** Whether a source address lies inside the community: an http(s) page on its host, under its path. */
export function communityCovers(community: string, url: string): boolean {
  const c = normaliseCommunity(community);
  if (!c) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  const slash = c.indexOf('/');
  const host = slash < 0 ? c : c.slice(0, slash);
  const prefix = slash < 0 ? '' : c.slice(slash);
  if (u.host.toLowerCase() !== host) return false;
  const path = decodedPath(u);
  return !prefix || path === prefix || path.startsWith(`${prefix}/`);
}

/** The community a source address belongs to at the coarsest level (its host), for messages. */
export function hostOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.host.toLowerCase() : null;
  } catch {
    return null;
  }
}

function decodedPath(u: URL): string {
  try {
    return decodeURIComponent(u.pathname);
  } catch {
    return u.pathname;
  }
}
