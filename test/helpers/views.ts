import type { Grant, RequestView } from '../../src/access/model';

/** When the test views happen (a Tuesday morning, as in the other fixtures). */
export const VIEW_AT = new Date('2026-11-24T10:00:00Z');

/**
 * A request as chat renders it, for renderer tests: pending, an hour, asked by Teams user
 * `carol`, with `patch` applied; `grant` (when given) is an active grant of it, patched.
 */
export function requestView(patch: Partial<RequestView['request']> = {}, grant: Partial<Grant> | null = null): RequestView {
  const request: RequestView['request'] = {
    id: 'R-TEST0001',
    status: 'pending',
    roleId: 'bg',
    requesterId: 'carol',
    requesterPlatform: 'teams',
    requesterPerson: 'teams:carol',
    requesterEmail: null,
    durationMs: 3_600_000,
    reason: 'why',
    ticket: null,
    approvalsRequired: 1,
    autoApproved: false,
    createdAt: VIEW_AT,
    updatedAt: VIEW_AT,
    decidedAt: null,
    approvedDurationMs: null,
    breakGlass: false,
    reviewedBy: null,
    reviewedAt: null,
    reviewRemindedAt: null,
    ...patch,
  };
  return {
    request,
    approvals: [],
    grant:
      grant &&
      ({
        id: 'G-1',
        requestId: request.id,
        status: 'active',
        activatedAt: VIEW_AT,
        expiresAt: new Date(VIEW_AT.getTime() + 3_600_000),
        revokedAt: null,
        revokeRequestedBy: null,
        revokeVerifiedAt: null,
        verifyFailedAt: null,
        ...grant,
      } as Grant),
  };
}
