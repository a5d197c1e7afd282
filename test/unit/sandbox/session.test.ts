import { SandboxSession } from '../../../src/sandbox/session';

const call = (method: string, args: Record<string, unknown>, result: Record<string, unknown> = { ok: true }) => ({
  method,
  args,
  result,
  at: 0,
});

describe('SandboxSession', () => {
  it('replaces a card in place on chat.update and keeps DMs and ephemerals to their person', () => {
    const s = new SandboxSession();
    s.apply(
      call('chat.postMessage', { channel: 'C0APPROVALS', text: 'card pending', blocks: [{ type: 'section' }] }, { ok: true, ts: '1.1' }),
    );
    s.apply(call('chat.postMessage', { channel: 'U0REQ', text: 'your request is waiting' }, { ok: true, ts: '1.2' }));
    s.apply(
      call('chat.postEphemeral', { channel: 'C0APPROVALS', user: 'U0ALICE', text: 'not an approver' }, { ok: true, message_ts: '1.3' }),
    );
    s.apply(call('chat.update', { channel: 'C0APPROVALS', ts: '1.1', text: 'card active', blocks: [] }));
    const { messages, calls } = s.state();
    expect(messages.map((m) => [m.channel, m.text, m.onlyFor, m.edited])).toEqual([
      ['C0APPROVALS', 'card active', undefined, true],
      ['D:U0REQ', 'your request is waiting', undefined, false],
      ['C0APPROVALS', 'not an approver', 'U0ALICE', false],
    ]);
    expect(calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.postMessage', 'chat.postEphemeral', 'chat.update']);
  });

  it('sends response_url answers and modals back to the person who acted', () => {
    const s = new SandboxSession();
    const responseId = s.newOrigin('response', { userId: 'U0BOB', channel: 'C0GENERAL' });
    const triggerId = s.newOrigin('trigger', { userId: 'U0BOB', channel: 'C0GENERAL' });
    s.apply(call('response_url', { id: responseId, text: 'Filed R-1', response_type: 'ephemeral' }));
    s.apply(call('response_url', { id: 'response-unknown', text: 'lost' }));
    s.apply(
      call('views.open', { trigger_id: triggerId, view: { callback_id: 'jit.deny_submit', private_metadata: '{"requestId":"R-1"}' } }),
    );
    expect(s.state().messages.map((m) => [m.channel, m.onlyFor, m.text])).toEqual([['C0GENERAL', 'U0BOB', 'Filed R-1']]);
    expect(s.modalOf('U0BOB')).toMatchObject({ callbackId: 'jit.deny_submit', privateMetadata: '{"requestId":"R-1"}' });
    expect(s.modalOf('U0ALICE')).toBeUndefined();
    s.setModalErrors('U0BOB', { reason: 'say why' });
    expect(s.modalOf('U0BOB')?.errors).toEqual({ reason: 'say why' });
    s.closeModal('U0BOB');
    expect(s.modalOf('U0BOB')).toBeUndefined();
  });

  it('keeps the latest App Home per user from views.publish', () => {
    const s = new SandboxSession();
    s.apply(call('views.publish', { user_id: 'U0ALICE', view: { type: 'home', blocks: [] } }));
    expect(s.state().homes).toEqual({ U0ALICE: { type: 'home', blocks: [] } });
  });
});
