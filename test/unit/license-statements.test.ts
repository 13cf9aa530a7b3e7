import { describe, expect, test } from 'vitest';
import { consentStatement } from '../../lib/license/index.ts';

describe('consent statements', () => {
  test.each([
    ['self', 'self/3', /^I wrote every post used in this entry myself, and I have proven to the hub that I am their author on each forum: the hub records the proofs it checked \(the pages it read\) with this entry\. I license this entry, and my posts as used in it, under CC BY-SA 4\.0 International \(CC-BY-SA-4\.0, https:\/\/creativecommons\.org\/licenses\/by-sa\/4\.0\/\)\./],
    ['author_opt_in', 'author_opt_in/3', /^Every person whose words appear in this entry has granted permission for their posts to be used and published under .*: in a post of their own recorded with this entry \(its address, text and hash\), or in a grant they made on the hub after proving their identity there/],
    ['moderator_attestation', 'moderator_attestation/1', /^I am a moderator or administrator of the community these posts come from\./],
    ['open_license', 'open_license/1', /^The posts used in this entry are published under the open licences recorded for each of them/],
  ] as const)('%s', (basis, version, start) => {
    const s = consentStatement(basis, 'CC-BY-SA-4.0');
    expect(s.version).toBe(version);
    expect(s.text).toMatch(start);
    // Every statement says plainly where the entry goes and what withdrawal can and cannot do.
    expect(s.text).toContain('including to train AI models');
    expect(s.text).toContain('copies already downloaded cannot be recalled');
    expect(s.text).toContain('CC-BY-SA-4.0');
  });

  test('the licence is filled in: CC0 and an NC effective licence', () => {
    expect(consentStatement('self', 'CC0-1.0').text).toContain('under CC0 1.0 Universal (public domain dedication) (CC0-1.0, https://creativecommons.org/publicdomain/zero/1.0/)');
    expect(consentStatement('open_license', 'CC-BY-NC-SA-4.0').text).toContain('published under CC BY-NC-SA 4.0 International (CC-BY-NC-SA-4.0, https://creativecommons.org/licenses/by-nc-sa/4.0/)');
  });

  test('texts differ per basis and are stable for the same input', () => {
    const all = (['self', 'author_opt_in', 'moderator_attestation', 'open_license'] as const).map((b) => consentStatement(b, 'CC-BY-4.0').text);
    expect(new Set(all).size).toBe(4);
    expect(consentStatement('self', 'CC-BY-4.0')).toEqual(consentStatement('self', 'CC-BY-4.0'));
  });
});
