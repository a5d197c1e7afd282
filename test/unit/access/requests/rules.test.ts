import { AccessError } from '../../../../src/access/model/errors';
import { checkRequest } from '../../../../src/access/requests/rules';
import { testPolicy } from '../../../helpers/policy';

const role = (id: string) => testPolicy().roles.find((r) => r.id === id)!;

function refusal(fn: () => unknown): AccessError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AccessError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('request rules', () => {
  it('uses the role default when no duration is given', () => {
    expect(checkRequest(role('quick'), { roleId: 'quick' })).toEqual({ durationMs: 300_000, reason: null, ticket: null });
  });

  it('refuses durations outside the role limits', () => {
    expect(refusal(() => checkRequest(role('quick'), { roleId: 'quick', durationMs: 2 * 3_600_000 })).userMessage).toBe(
      'quick can be granted for at most 1h (you asked for 2h).',
    );
    expect(refusal(() => checkRequest(role('quick'), { roleId: 'quick', durationMs: 500 })).code).toBe('bad_duration');
  });

  it('requires a reason where the role says so', () => {
    expect(refusal(() => checkRequest(role('dual'), { roleId: 'dual', reason: '  ' })).code).toBe('reason_required');
  });

  it('finds the ticket in the reason, or takes it from the ticket field', () => {
    expect(checkRequest(role('dual'), { roleId: 'dual', reason: 'fix INC-42, urgent' }).ticket).toBe('INC-42');
    expect(checkRequest(role('dual'), { roleId: 'dual', reason: 'fix it', ticket: 'INC-7' }).ticket).toBe('INC-7');
    expect(refusal(() => checkRequest(role('dual'), { roleId: 'dual', reason: 'fix it' })).code).toBe('ticket_required');
    expect(refusal(() => checkRequest(role('dual'), { roleId: 'dual', reason: 'fix it', ticket: 'JIRA-1' })).code).toBe('ticket_mismatch');
  });
});
