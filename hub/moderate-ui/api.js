// What the moderation page's sections (reports, subjects) share: the tab's moderator token, entered in
// the review queue above them, and calls to the hub that turn a refusal into the hub's own words.
export const TOKEN_KEY = 'gleaner-moderator-token';

export async function api(path, init = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) throw new Error('Enter a moderator token above first.');
  const res = await fetch(path, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(body?.detail ?? `The hub answered ${res.status}.`);
  return body;
}
