import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PolicySchema } from '../../../src/access/policy';
import { schemaKeys } from '../../helpers/schema-keys';

const POLICY_DOC = readFileSync(join(__dirname, '../../../docs/policy.md'), 'utf8');

/** The first column of the "Policy reference" table in docs/policy.md. */
function documentedKeys(): string[] {
  const section = POLICY_DOC.split('## Policy reference')[1]?.split(/\n## /)[0] ?? '';
  return [...section.matchAll(/^\| `([^`]+)` \|[^|]+\|[^|]+\|$/gm)].map((m) => m[1]!);
}

describe('the policy reference (docs/policy.md)', () => {
  const keys = schemaKeys(PolicySchema);

  it('walks the whole schema, nested tiers and the users table included', () => {
    expect(keys).toEqual(
      expect.arrayContaining([
        'approvals.warn_before',
        'roles[].approval.escalation[].after',
        'roles[].approval.auto_if_on_call.opsgenie_schedule',
        'users.<id>.email',
        'roles[].approval.approvers.slack_users',
      ]),
    );
    expect(keys.length).toBeGreaterThan(50);
  });

  it('documents every key of the policy schema, each with a meaning and an example', () => {
    const missing = keys.filter((k) => !documentedKeys().includes(k));
    expect(missing).toEqual([]);
  });

  it('documents no key the schema does not have', () => {
    const stale = documentedKeys().filter((k) => !keys.includes(k));
    expect(stale).toEqual([]);
  });
});
