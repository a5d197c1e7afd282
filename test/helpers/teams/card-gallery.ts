import type { Extension } from '../../../src/access/model/extension';
import type { Grant, RequestView } from '../../../src/access/model';
import type { RequesterNotice } from '../../../src/access/ports';
import { approvalCard } from '../../../src/chat/teams/cards/approval-card';
import type { AdaptiveCard } from '../../../src/chat/teams/cards/card';
import { denyForm } from '../../../src/chat/teams/cards/deny-form';
import { extensionCard } from '../../../src/chat/teams/cards/extension-card';
import { help, homeCard, myRequests, pendingForMe, rolesList, whoami } from '../../../src/chat/teams/cards/lists';
import { requesterNotice } from '../../../src/chat/teams/cards/notices';
import { requestForm } from '../../../src/chat/teams/cards/request-form';
import { policyDepth } from '../policy-depth';
import { requestView, VIEW_AT } from '../views';

const at = VIEW_AT;
const policy = policyDepth();
const role = policy.roles.find((r) => r.id === 'bg')!;
const ALICE = 'aaaaaaaa-0000-4000-8000-000000000001';

/** A request of the gallery's role, with a reason holding markup and a long unbroken token. */
const view = (patch: Partial<RequestView['request']> = {}, grant: Partial<Grant> | null = null) =>
  requestView(
    {
      id: 'R-GALLERY1',
      roleId: role.id,
      requesterId: 'cccccccc-0000-4000-8000-000000000003',
      requesterPerson: 'teams:cccccccc-0000-4000-8000-000000000003',
      durationMs: 3 * 3_600_000,
      reason: `prod db *down* — see <https://example.com|this> and https://console.example.com/${'x'.repeat(160)}`,
      ticket: 'INC-42',
      ...patch,
    },
    grant,
  );

const NOTICES: RequesterNotice[] = [
  { kind: 'submitted' },
  { kind: 'approved', by: ALICE },
  { kind: 'denied', by: ALICE, reason: 'not now' },
  {
    kind: 'granted',
    providerLabel: 'AWS STS',
    privateDelivery: [
      {
        kind: 'link',
        title: 'AWS console',
        text: 'Open the console as ProdRead',
        url: 'https://signin.aws.amazon.com/federation?Action=login&SigninToken=abc',
      },
      { kind: 'code', title: 'CLI', code: `export AWS_ACCESS_KEY_ID=ASIA${'A'.repeat(16)} AWS_SESSION_TOKEN=${'t'.repeat(600)}` },
      { kind: 'note', tone: 'warning', text: 'You asked for 6h but these credentials last 4h.' },
    ],
  },
  { kind: 'expiring_soon', msLeft: 300_000, extendChoices: [900_000, 1_800_000] },
  { kind: 'ended', how: 'revoked', by: ALICE, verification: 'verified' },
];

const extension: Extension = {
  id: 7,
  requestId: 'R-GALLERY1',
  grantId: 'G-1',
  askedBy: 'cccccccc-0000-4000-8000-000000000003',
  askedByPlatform: 'teams',
  askedByPerson: 'teams:x',
  addMs: 3_600_000,
  status: 'pending',
  decidedBy: null,
  decidedByPlatform: null,
  newExpiresAt: null,
  cards: [],
  createdAt: at,
  decidedAt: null,
};

/** Every kind of card jitbot sends in Teams, by name, in a realistic state. */
export function teamsCardGallery(): Array<[string, AdaptiveCard]> {
  return [
    ['approval card, pending', approvalCard(view(), role)],
    ['approval card, break-glass active', approvalCard(view({ status: 'active', breakGlass: true }, {}), role)],
    ['approval card, escalated with a notice', approvalCard(view(), role, 'You cannot approve your own request.', 'Escalated (tier 1)')],
    ...NOTICES.map((n): [string, AdaptiveCard] => [`notice ${n.kind}`, requesterNotice(view({ status: 'active' }, {}), role, n).card]),
    ['extension card', extensionCard({ extension, request: view({ status: 'active' }, {}) })],
    ['deny form', denyForm('R-GALLERY1', 'Please say why you deny the request.')],
    ['request form', requestForm(policy.roles, { roleId: 'bg', duration: '1h', hint: 'bg needs a reason' })],
    ['my requests', myRequests([view(), view({ id: 'R-GALLERY2', status: 'expired' }, { status: 'expired', revokedAt: at })])],
    ['pending list', pendingForMe(Array.from({ length: 20 }, (_, i) => view({ id: `R-PEND${String(i).padStart(4, '0')}` })))],
    ['roles', rolesList(policy.roles, 2)],
    [
      'whoami',
      whoami({
        person: { key: 'email:c@example.com', email: 'c@example.com', account: { platform: 'teams', userId: 'c' } },
        accounts: [{ platform: 'teams', userId: 'c' }],
        mayRequest: policy.roles,
        mayApprove: [],
      }),
    ],
    ['help', help()],
    [
      'home',
      homeCard({
        active: [view({ status: 'active' }, {}), view({ id: 'R-GALLERY3', status: 'active' }, { revokeRequestedBy: 'x' })],
        pending: [view({ id: 'R-GALLERY4' })],
        now: at,
      }),
    ],
    ['home, empty', homeCard({ active: [], pending: [], now: at })],
  ];
}
