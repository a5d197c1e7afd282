import { admitPayload } from '../../../../src/chat/slack/edge';

/** The admission both Slack transports share (HTTP answers with its status; Socket Mode acks and drops). */
describe('which Slack payloads reach the listeners', () => {
  const home = { teamId: 'T0HOME' };
  const grid = { teamId: 'T0HOME', enterpriseId: 'E0ORG' };
  const action = (patch: Record<string, unknown> = {}) => ({
    type: 'block_actions',
    team: { id: 'T0HOME' },
    user: { id: 'U0ALICE', team_id: 'T0HOME' },
    ...patch,
  });
  const command = (patch: Record<string, unknown> = {}) => ({
    command: '/jit',
    text: 'help',
    user_id: 'U0ALICE',
    team_id: 'T0HOME',
    ...patch,
  });

  it("lets through payloads of the bot's own workspace, and Slack's own checks", () => {
    expect(admitPayload(action(), home).ok).toBe(true);
    expect(admitPayload(command(), home).ok).toBe(true);
    expect(admitPayload({ type: 'event_callback', team_id: 'T0HOME', event: { type: 'app_home_opened' } }, home).ok).toBe(true);
    expect(admitPayload({ type: 'url_verification', challenge: 'x' }, home).ok).toBe(true);
  });

  it("lets through another workspace of the bot's own Enterprise Grid org", () => {
    expect(
      admitPayload(action({ team: { id: 'T0SIBLING' }, user: { id: 'U0X', team_id: 'T0SIBLING' }, enterprise: { id: 'E0ORG' } }), grid).ok,
    ).toBe(true);
    expect(admitPayload(command({ team_id: 'T0SIBLING', enterprise_id: 'E0ORG' }), grid).ok).toBe(true);
  });

  it.each([
    ['team.id', action({ team: { id: 'T0OTHER' } })],
    ['user.team_id', action({ user: { id: 'U0EXT', team_id: 'T0OTHER' } })],
    ['another org', action({ team: { id: 'T0OTHER' }, enterprise: { id: 'E0OTHER' } })],
    ["a command's team_id", command({ team_id: 'T0OTHER' })],
    ["an event's team_id", { type: 'event_callback', team_id: 'T0OTHER', event: { type: 'app_home_opened' } }],
  ])('refuses another workspace by %s (answered 200, quietly)', (_what, payload) => {
    expect(admitPayload(payload, grid)).toMatchObject({ ok: false, status: 200 });
  });

  it.each([
    ['no user', { type: 'block_actions', team: { id: 'T0HOME' } }],
    ['user: null', action({ user: null })],
    ['a numeric user id', action({ user: { id: 7 } })],
    ['a command without user_id', { command: '/jit', team_id: 'T0HOME' }],
    ['an unknown payload type', { type: 'something_else', user: { id: 'U0A' } }],
    ['not an object', 'hello'],
  ])('refuses a malformed payload (%s) with 400', (_what, payload) => {
    expect(admitPayload(payload, home)).toMatchObject({ ok: false, status: 400 });
  });
});
