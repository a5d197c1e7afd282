import { denies, denyStatement, parsePolicyDocument, withDeny } from '../../../src/providers/aws-deny-policy';
import { sessionNameFor } from '../../../src/providers/aws-sts';
import { assignmentNameFor } from '../../../src/providers/azure-rbac';

describe('cloud names and the deny policy', () => {
  it('derives one stable GUID per grant and purpose', () => {
    const a = assignmentNameFor('G-ABC');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(assignmentNameFor('G-ABC')).toBe(a);
    expect(assignmentNameFor('G-ABD')).not.toBe(a);
    expect(assignmentNameFor('G-ABC', 'remove')).not.toBe(a);
  });

  it("names AWS sessions after the request, within STS's character set", () => {
    expect(sessionNameFor('R-7KQ2M9XZ')).toMatch(/^[\w+=,.@-]{2,64}$/);
  });

  it('replaces an older deny of the same session rather than adding a second', () => {
    const now = new Date('2026-11-24T10:00:00Z');
    const once = withDeny({ Version: '2012-10-17', Statement: [] }, 'AROA1:jit-R-1', new Date('2026-11-24T11:00:00Z'), now);
    const twice = withDeny(once, 'AROA1:jit-R-1', new Date('2026-11-24T12:00:00Z'), now);
    expect(twice.Statement).toEqual([denyStatement('AROA1:jit-R-1', new Date('2026-11-24T12:00:00Z'))]);
    expect(denies(twice, 'AROA1:jit-R-1', now)).toBe(true);
    expect(denies(twice, 'AROA1:jit-R-1', new Date('2026-11-24T12:00:01Z'))).toBe(false);
  });

  it("reads IAM's URL-encoded documents, single statements included", () => {
    const doc = parsePolicyDocument(
      encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Deny', Action: '*', Resource: '*' } })),
    );
    expect(doc.Statement).toHaveLength(1);
  });
});
