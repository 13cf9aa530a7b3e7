/**
 * What the generic reader recognises on one element or text, with no knowledge of any engine: the marks
 * that forum and comment software of every kind leave around a post (a link to the author's profile, a
 * time stamp, a permalink, a post id, schema.org types) and the chrome around it (buttons, counters,
 * user panels, signatures). Each is a convention shared across engines; none names one site.
 */

/**
 * Profile addresses: phpBB `memberlist.php?mode=viewprofile`, vBulletin/MyBB `member.php`, XenForo
 * `/members/`, Discourse `/u/`, Reddit and Invision `/user/`, `/profile/`, IP.Board `showuser=`, SMF
 * `action=profile;u=`, FluxBB/PunBB `profile.php?id=`, Hacker News `user?id=`, WordPress `/author/`,
 * Stack Exchange `/users/`, Askbot `/users/12/name/`, Blogger `/profile/`, Vanilla `/profile/`.
 */
const PROFILE_HREF =
  /memberlist\.php\?[^#]*mode=viewprofile|member\.php|\/members?\/|\/u\/[^/?#]|\/users?\/[^/?#]|\/profiles?(?:\/|\.php|\?)|showuser=|[?&;]u=\d|[?&;]action=profile|\buser\?id=|\/author\/|user_?info|\/people\/|\/benutzer\/|\/mitglieder\/|\/utilisateur|viewprofile|[?&]user_?profile=\d|\/user-\d|\/user\.php/i;
/** Links that carry a profile word but are the reader's own account or a list, never an author. */
const NOT_PROFILE = /ucp\.php|[?&]mode=(?:register|login|group)|\/(?:login|logout|register|signup|sign_up|signin|account\/|settings|preferences)\b|memberlist\.php(?:\?(?:mode=(?:leaders|team|searchuser)|first_char)|$)|action=(?:register|login)|\/members\/?$|\/users\/?$|\/u\/?$|mailto:|[?&](?:sort|order)=/i;

export function isProfileHref(href: string): boolean {
  return PROFILE_HREF.test(href) && !NOT_PROFILE.test(href);
}

/**
 * Permalinks to one post: phpBB `#p123`, vBulletin `#post123` and `showpost.php`, SMF `#msg123`,
 * WordPress `#comment-123`, `?p=123`, Hacker News `item?id=`, Discourse `/t/slug/1/2`, XenForo
 * `/posts/123/`, Askbot `#post-id-123`, Vanilla `/discussion/comment/123`.
 */
const PERMALINK_HREF =
  /#(?:p|post|post-?id-|msg|comment-|c|reply-?|entry|answer-|r|li-comment-|div-comment-|message-?)\d+$|[?&]p=\d+(?:#|$)|showpost\.php|findpost|\/posts?\/\d+\/?(?:#|$)|\bitem\?id=\d+|\/comments?\/\d+|\/t\/[^/]+\/\d+\/\d+|\/[a-z]\/\d+#|#findComment|\/discussion\/comment\/\d+|[?&]comment(?:_?id)?=\d+/i;

export function isPermalinkHref(href: string): boolean {
  return PERMALINK_HREF.test(href);
}

/** Element ids engines give a post: `p123`, `post_123`, `comment-123`, `msg123`, `answer-123`, a bare number (Hacker News). */
const POST_ID = /^(?:p|post|posts|postid|post_message|pid|msg|message|comment|div-comment|li-comment|reply|entry|answer|question|thing_t1|t1|js-post|postcontainer|edit|td_post|c|d|r|m|cmt|article)?[-_]?\d{2,}$/i;

export function isPostId(id: string): boolean {
  return POST_ID.test(id);
}

/** schema.org types of one contribution to a discussion (microdata `itemtype`, JSON-LD `@type`). */
export const POST_TYPE = /schema\.org\/(?:Comment|DiscussionForumPosting|Answer|Question|SocialMediaPosting|UserComments|Reply)\b/i;

/** Class or id words that say "this is the author's name" in every engine's own dialect. */
const AUTHOR_WORD = /^(?:author|username|user-?name|poster|postauthor|post-?author|byline|commenter|comment-author|nick|nickname|membername|member-name|uname|screen-?name|hnuser|fn|user|name|by|postername|autor|posterName|author-name|comment-user|comment-author-name|user-link|userlink|user-details|mb-username|bigusername|post-?user)$/i;
/** Class words that contain an author word but mark a panel, a title or a count, not a name. */
const NOT_AUTHOR_WORD = /(?:title|avatar|info|stats?|rank|(?<!ac)count|posts|joined|location|online|status|signature|badge|flair|role|group|pic|image|img|tooltip|menu|card|list)/i;

export function isAuthorClass(cls: string): boolean {
  for (const c of cls.split(/\s+/)) {
    if (!c) continue;
    // WordPress marks a whole comment with who wrote it (`comment-author-anna`, `bypostauthor`).
    if (/^comment-author-(?!name$|link$|info$)|^bypostauthor$|^byuser$/i.test(c)) continue;
    if (AUTHOR_WORD.test(c)) return true;
    if (/author|username|poster|(?:user|account|member|nick|comment|profile)[-_]?name|profile[-_]?box|postprofile|user[-_]?box/i.test(c) && !NOT_AUTHOR_WORD.test(c)) return true;
  }
  return false;
}

/** Quote containers without blockquote markup (vBulletin `bbcode_quote`, Invision `ipsQuote`, SMF `quoteheader`). */
export function isQuoteClass(cls: string): boolean {
  // Script hooks (`js-selectToQuote` on XenForo's message body) name what a click does, not a quote.
  for (const c of cls.split(/\s+/)) {
    if (/^[\w-]*quote(?:content|_container|box|block|text|header)?$/i.test(c) && !/^js-|select|toquote|multi|button|btn|action|link|reply/i.test(c)) return true;
  }
  return false;
}

/** Signature blocks: the author's standing text under each post, not part of what they wrote in it. */
export function isSignatureClass(cls: string): boolean {
  return /signature|(?:^|[\s_-])sig(?:$|[\s_-])|postsig|sigline/i.test(cls);
}

/**
 * Page chrome that sits inside post blocks: action words, counters and labels. Matched against a whole
 * text node, so a post that says "Thanks" in a sentence keeps it.
 */
export const CHROME_TEXT =
  /^(?:[#№]\s?\d+|\d+\s*(?:likes?|replies|points?|votes?)|reply(?: with quote)?|quote:?|multi-?quote|like|unlike|report|share|permalink|link|edit|delete|top|back to top|nach oben|antworten|zitieren|zitat:?|mit zitat antworten|citation\s?:|melden|gefällt mir|teilen|répondre|citer|signaler|responder|citar|reportar|rispondi|cita|segnala|flag|save|hide|give award|award|thanks|thank|helpful|upvote|downvote|vote up|vote down|\[[-+]\]|\|)$/i;

/** Labels of a user panel, whose dates and numbers are about the member, not the post. */
export const PANEL_LABEL = /(?:joined|registered|regist|member since|since|posts|beiträge|dabei seit|registriert|anmeldungsdatum|registrierungsdatum|mitglied seit|inscrit|inscription|messages|mensajes|registrado|iscritto|location|ort|wohnort|reputation|age|birth|reg\.?)\s*:?\s*$/i;

/** A date-looking text that is about the member (joined, registered), not the post. */
export const NOT_POST_DATE = /(?:regist|join|since|member|birth|seit|inscri|dabei|mitglied)/i;

/** Cheap check before parsing a text as a date: a year, a clock time or a day.month.year. */
export const DATE_HINT = /\d{4}|\d:\d\d|\d{1,2}\.\d{1,2}\.\d{2}/;
