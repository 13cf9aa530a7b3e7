import { snowflake, type DceExport, type DceUser } from './dce-html.ts';

/**
 * A small guild channel, as DCE would export it: several authors, grouped messages, replies (one to a
 * message older than the export), a join and a pin (system notifications), mentions, attachments,
 * reactions, a sticker, a link preview, an edit, typed markup that must stay text, a silence of hours.
 */
export const ann: DceUser = { id: snowflake('2016-04-02T10:00:00Z', 1), name: 'ann.k', nick: 'Ann' };
export const bob: DceUser = { id: snowflake('2017-08-09T10:00:00Z', 2), name: 'bob_the_builder', discriminator: '4821' };
export const dice: DceUser = { id: snowflake('2018-01-01T10:00:00Z', 3), name: 'DiceBot', nick: 'Dicey', bot: true };
export const dee: DceUser = { id: snowflake('2019-11-30T10:00:00Z', 4), name: 'dee', nick: 'Dee' };
export const old: DceUser = { id: snowflake('2016-01-01T10:00:00Z', 5), name: 'oldtimer' };

export const GUILD_ID = snowflake('2019-03-01T12:00:00Z');
export const CHANNEL_ID = snowflake('2020-05-01T12:00:00Z');
/** A message from before the export's range, answered inside it. */
export const OUTSIDE_ID = snowflake('2022-12-20T09:00:00Z');

export const ids = {
  question: snowflake('2023-01-06T14:03:03.853Z'),
  followUp: snowflake('2023-01-06T14:04:10.120Z'),
  join: snowflake('2023-01-06T14:05:00.001Z'),
  answer: snowflake('2023-01-06T14:06:30.500Z'),
  files: snowflake('2023-01-06T14:07:45.000Z'),
  pin: snowflake('2023-01-06T14:09:00.000Z'),
  thanks: snowflake('2023-01-06T14:10:12.345Z'),
  roll: snowflake('2023-01-06T14:12:00.000Z'),
  late: snowflake('2023-01-06T17:30:00.000Z'),
  lateAnswer: snowflake('2023-01-06T17:31:05.000Z'),
  docs: snowflake('2023-01-06T17:32:40.000Z'),
  oldReply: snowflake('2023-01-06T17:33:00.000Z'),
};

export function sampleExport(): DceExport {
  return {
    guild: { id: GUILD_ID, name: 'Board Game Club', iconHash: '8342729096ea3675442027381ff50dfe' },
    channel: { id: CHANNEL_ID, name: 'rules-questions', category: 'Games', topic: 'Ask about **rules** here' },
    users: [ann, bob, dice, dee, old],
    messages: [
      { id: ids.question, author: ann, content: 'Does the robber block **production** on the hex it sits on?' },
      { id: ids.followUp, author: ann, content: 'Asking for our game tonight 🎲' },
      { id: ids.join, kind: 'GuildMemberJoin', author: dee },
      {
        id: ids.answer,
        author: bob,
        content: 'Yes, <@' + ann.id + '> — no resources from that hex.\nUnless the knight moves it.',
        reference: { messageId: ids.question },
        reactions: [
          { emoji: '👍', code: ':thumbsup:', count: 3 },
          { emoji: '🎉', code: ':tada:', count: 1 },
        ],
        pinned: true,
      },
      {
        id: ids.files,
        author: bob,
        content: 'See the rulebook, p. 12:',
        attachments: [
          { fileName: 'catan rules (2020).pdf', url: 'https://cdn.discordapp.com/attachments/1/2/catan_rules_2020.pdf?ex=65a1&is=6590&hm=ab12' },
          { fileName: 'board.png', url: 'https://cdn.discordapp.com/attachments/1/3/board.png' },
        ],
      },
      { id: ids.pin, kind: 'ChannelPinnedMessage', author: ann, reference: { messageId: ids.answer } },
      {
        id: ids.thanks,
        author: ann,
        content: '> no resources from that hex\nThanks! What about <script>alert(1)</script> & <img src=x onerror=alert(2)>?',
        reference: { messageId: ids.answer },
      },
      { id: ids.roll, author: dice, content: 'Rolled: **7** — the robber moves!', embeds: [{ title: 'Dice roll', url: 'https://dice.example/roll/7', description: 'Two dice: 3 + 4' }] },
      { id: ids.late, author: dee, content: 'Late question: can the robber go back to the desert? café ☕' },
      { id: ids.lateAnswer, author: ann, content: 'Yes, it starts there.', reference: { messageId: ids.late }, edited: new Date('2023-01-06T17:35:00Z') },
      {
        id: ids.docs,
        author: ann,
        content: 'Full text: [the official FAQ](https://example.com/catan/faq) and `robber.md`',
        stickers: [{ name: 'Wave', url: 'https://media.discordapp.net/stickers/749054660769218631.png' }],
      },
      { id: ids.oldReply, author: bob, content: 'Replying to an old one.', reference: { messageId: OUTSIDE_ID, outside: { author: old, content: 'Is the **5-6 player** extension worth it?' } } },
    ],
  };
}
