import fc from 'fast-check';
import { stringify } from 'yaml';
import { parsePolicy, PolicyError } from '../../../src/config/policy-file';

/** Whatever a policy file holds, loading it yields a policy or a PolicyError that names the file. */
describe('policy loading under arbitrary input', () => {
  const role = fc.record(
    {
      id: fc.oneof(fc.constantFrom('prod-admin', 'x'), fc.string({ maxLength: 10 })),
      provider: fc.constantFrom('sandbox', 'aws', 'azure', 'gcp', 1),
      requesters: fc.oneof(
        fc.constant({ anyone: true }),
        fc.record({
          emails: fc.array(fc.constantFrom('a@example.com', 'nope'), { maxLength: 2 }),
          email_domains: fc.array(fc.constantFrom('example.com', '-bad'), { maxLength: 2 }),
        }),
        fc.constant({}),
      ),
      max_duration: fc.oneof(fc.constantFrom('1h', '30m', '0m', 'forever'), fc.integer()),
      default_duration: fc.constantFrom('15m', '2h', 'x'),
      reason: fc.constantFrom('required', 'optional', 'maybe'),
      ticket_pattern: fc.constantFrom('^INC-[0-9]+$', '([', ''),
      approval: fc.oneof(
        fc.record({ auto: fc.boolean() }),
        fc.record({
          required: fc.integer({ min: -1, max: 4 }),
          approvers: fc.record({ slack_users: fc.array(fc.constantFrom('U0ALICE', 'alice', 'U0BOB'), { maxLength: 3 }) }),
        }),
      ),
    },
    { requiredKeys: [] },
  );
  const policy = fc.record(
    {
      approvals: fc.record({ slack_channel: fc.constantFrom('C0APPROVALS', 'general') }, { requiredKeys: [] }),
      roles: fc.oneof(fc.array(role, { maxLength: 3 }), fc.string()),
    },
    { requiredKeys: [] },
  );

  it('never throws anything but a PolicyError naming the file', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          policy.map((p) => stringify(p)),
          fc.string({ maxLength: 200 }),
        ),
        (text) => {
          try {
            parsePolicy(text, 'fuzz.yaml');
          } catch (e) {
            expect(e).toBeInstanceOf(PolicyError);
            expect((e as Error).message.startsWith('fuzz.yaml: ')).toBe(true);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
