import type { AuditEvent } from '../../../src/access/model';
import { auditLine } from '../../../src/chat/words/audit';
import { slackMarkup } from '../../../src/chat/slack/blocks/format';
import { teamsTextMarkup } from '../../../src/chat/teams/cards/format';

const at = new Date('2026-11-24T10:00:00Z');
const event = (action: string, data: Record<string, unknown>, actor = { platform: 'slack', userId: 'U0ALICE' }): AuditEvent =>
  ({ id: 1, at, action, requestId: 'R-TEST0001', grantId: null, actor, data }) as unknown as AuditEvent;

describe('/jit audit lines, for people (Slack and Teams from one place)', () => {
  it('shows durations, times and refusals in words, not internals (durationMs=3600000, code=already_voted)', () => {
    const created = auditLine(
      event('request.created', {
        roleId: 'prod-admin',
        durationMs: 3_600_000,
        reason: 'fix INC-42',
        ticket: 'INC-42',
        person: 'slack:U0ALICE',
      }),
      slackMarkup,
    );
    expect(created).toContain('`request.created` by <@U0ALICE> — role `prod-admin`, duration 1h, reason “fix INC-42”, ticket: INC-42');
    expect(created).not.toMatch(/durationMs|person|=/);

    const refused = auditLine(event('access.refused', { code: 'already_voted' }), slackMarkup);
    expect(refused).toContain('— had already approved');
    expect(refused).not.toContain('already_voted');

    const extended = auditLine(
      event(
        'grant.extended',
        { from: '2026-11-24T11:00:00.000Z', to: '2026-11-24T11:30:00.000Z', totalMs: 5_400_000 },
        { platform: 'system', userId: 'worker' },
      ),
      teamsTextMarkup,
    );
    expect(extended).toBe(
      '2026-11-24 10:00 UTC · `grant.extended` by worker — from 2026-11-24 11:00 UTC, to 2026-11-24 11:30 UTC, total 1h 30m',
    );
  });

  it('keeps people’s text as text on each platform', () => {
    const denied = auditLine(event('request.denied', { reason: '<!channel> look' }), slackMarkup);
    expect(denied).toContain('reason “&lt;!channel&gt; look”');
    expect(denied).not.toContain('<!channel>');
  });
});
