import { slackText } from '../../../src/chat/slack/blocks/format';
import { teamsText } from '../../../src/chat/teams/cards/format';
import { showHidden } from '../../../src/lib/text';

/** The one escaping function of each platform, on the text people type. */
describe('text is text', () => {
  it('shows invisible and direction-changing characters instead of obeying them', () => {
    expect(showHidden('gnp\u202Eexe.png')).toBe('gnp[U+202E]exe.png');
    expect(showHidden('a\u200Bb\u2066c\uFEFFd\u0007e\tf\ng')).toBe('a[U+200B]b[U+2066]c[U+FEFF]d[U+0007]e\tf\ng');
    expect(showHidden('Zürich — ok 👍')).toBe('Zürich — ok 👍');
  });

  it('Slack: &, < and > become entities, so no ping, mention or link survives', () => {
    expect(slackText('<!channel> <@U0CTO> <https://evil|https://console.aws.amazon.com> & co')).toBe(
      '&lt;!channel&gt; &lt;@U0CTO&gt; &lt;https://evil|https://console.aws.amazon.com&gt; &amp; co',
    );
  });

  it('Teams: no markdown link, emphasis, code, list or heading, and no {{DATE()}}', () => {
    expect(teamsText('[Approve here](https://evil)')).toBe('\\[Approve here\\](https://evil)');
    expect(teamsText('**bold** _it_ `code` ~strike~ back\\slash')).toBe('\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~strike\\~ back\\\\slash');
    expect(teamsText('- item\n1. first\n# head\n> quote')).toBe('\\- item\n\\1. first\n\\# head\n\\> quote');
    expect(teamsText('{{DATE(2026-01-01T00:00:00Z, SHORT)}}')).toBe('{ {DATE(2026-01-01T00:00:00Z, SHORT)} }');
    expect(teamsText('x\u202E(https://evil)')).toBe('x\\[U+202E\\](https://evil)');
  });
});
