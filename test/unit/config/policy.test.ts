import { readFileSync } from 'node:fs';
import { parsePolicy, PolicyError } from '../../../src/config/policy-file';

const minimalRole = (extra = '') => `
approvals: { slack_channel: C0APPROVALS }
roles:
  - id: prod-admin
    provider: sandbox
    requesters: { anyone: true }
    max_duration: 2h
    approval:
      required: 1
      approvers: { slack_users: [U0ALICE] }
${extra}`;

function faultOf(text: string): string {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    return (e as Error).message;
  }
  throw new Error('expected the policy to be refused');
}

describe('policy file', () => {
  it('refuses a role that does not say who may request it, naming the role and the key', () => {
    expect(faultOf(minimalRole().replace('    requesters: { anyone: true }\n', ''))).toContain(
      'roles[0] (prod-admin).requesters: is required: say who may request this role',
    );
    expect(faultOf(minimalRole().replace('requesters: { anyone: true }', 'requesters: {}'))).toContain(
      'roles[0] (prod-admin).requesters: names nobody',
    );
    expect(faultOf(minimalRole().replace('requesters: { anyone: true }', 'requesters: { anyone: false }'))).toContain(
      'roles[0] (prod-admin).requesters.anyone: can only be true',
    );
    expect(faultOf(minimalRole().replace('requesters: { anyone: true }', 'requesters: { emails: [carol] }'))).toContain(
      'roles[0] (prod-admin).requesters',
    );
  });

  it('refuses unknown keys everywhere, with the key it was probably meant to be', () => {
    // limit: for limits: was silently ignored, so the limits were not applied.
    expect(faultOf(`${minimalRole()}limit: { requests_per_hour: 3 }`)).toContain(
      '(top level): unknown key "limit"; did you mean "limits"?',
    );
    expect(faultOf(minimalRole().replace('approvals:', 'approval:'))).toContain(
      '(top level): unknown key "approval"; did you mean "approvals"?',
    );
    expect(faultOf(minimalRole().replace('max_duration: 2h', 'max_duration: 2h\n    descripton: x'))).toContain(
      'roles[0] (prod-admin): unknown key "descripton"; did you mean "description"?',
    );
    expect(faultOf(minimalRole().replace('required: 1', 'requird: 1'))).toContain(
      'roles[0] (prod-admin).approval: unknown key "requird"; did you mean "required"?',
    );
    expect(faultOf(`${minimalRole()}users: { U0ALICE: { emial: alice@example.com } }`)).toContain(
      'users.U0ALICE: unknown key "emial"; did you mean "email"?',
    );
    expect(faultOf(`${minimalRole()}digest: { chanel: C0DIGEST }`)).toContain(
      'digest: unknown key "chanel" (allowed here: slack_channel, teams_channel, cron',
    );
    expect(
      faultOf(
        minimalRole().replace('provider: sandbox', 'provider: aws\n    aws: { role_arn: "arn:aws:iam::123456789012:role/x", acount: "1" }'),
      ),
    ).toContain('roles[0] (prod-admin).aws: unknown key "acount"');
  });

  it('reads requesters, normalising e-mails, domains and object ids to lower case', () => {
    const [role] = parsePolicy(
      minimalRole().replace(
        'requesters: { anyone: true }',
        'requesters: { emails: [Carol@Example.com], email_domains: [Example.COM], teams_users: [ABC-1] }',
      ),
      'p.yaml',
    ).roles;
    expect(role!.requesters).toEqual({
      anyone: false,
      slack_users: [],
      slack_usergroups: [],
      teams_users: ['abc-1'],
      entra_groups: [],
      emails: ['carol@example.com'],
      email_domains: ['example.com'],
    });
    expect(parsePolicy(minimalRole(), 'p.yaml').roles[0]!.requesters.anyone).toBe(true);
  });

  it('loads the shipped example', () => {
    const policy = parsePolicy(readFileSync('policy.example.yaml', 'utf8'), 'policy.example.yaml');
    const admin = policy.roles.find((r) => r.id === 'prod-admin');
    expect(admin?.max_duration).toBe(7_200_000);
    expect(admin?.approval.required).toBe(2);
    expect(admin?.min_duration).toBe(60_000);
    expect(policy.roles.find((r) => r.provider === 'aws')?.aws?.role_arn).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(policy.roles.find((r) => r.provider === 'azure')?.azure).toMatchObject({
      scope: expect.stringMatching(/^\/subscriptions\//),
      mode: 'assignment',
    });
  });

  it('refuses an unknown azure mode, naming the path', () => {
    const yaml = minimalRole().replace(
      'provider: sandbox',
      'provider: azure\n    azure: { scope: /subscriptions/x, role_definition_id: r, mode: forever }',
    );
    expect(faultOf(yaml)).toMatch(/roles\[0\] \(prod-admin\)\.azure\.mode/);
  });

  it('reads an Identity Center role, and refuses one whose settings AWS would not take, naming each key', () => {
    const instance = 'arn:aws:sso:::instance/ssoins-1111222233334444';
    const ps = 'arn:aws:sso:::permissionSet/ssoins-1111222233334444/ps-0123456789abcdef';
    const role = (sso: string) => minimalRole().replace('provider: sandbox', `provider: aws-sso\n    aws_sso: ${sso}`);
    const good = `{ instance_arn: "${instance}", identity_store_id: d-1234567890, permission_set_arn: "${ps}", account_id: "222233334444" }`;
    expect(parsePolicy(role(good), 'p.yaml').roles[0]!.aws_sso).toEqual({
      instance_arn: instance,
      identity_store_id: 'd-1234567890',
      permission_set_arn: ps,
      account_id: '222233334444',
    });
    expect(faultOf(minimalRole().replace('provider: sandbox', 'provider: aws-sso'))).toContain(
      'roles[0] (prod-admin).aws_sso: provider aws-sso needs aws_sso.instance_arn, identity_store_id, permission_set_arn and account_id',
    );
    expect(faultOf(role(good.replace('"222233334444"', '"2222"')))).toContain(
      'roles[0] (prod-admin).aws_sso.account_id: must be an AWS account id',
    );
    expect(faultOf(role(good.replace('d-1234567890', 'my-store')))).toContain(
      'roles[0] (prod-admin).aws_sso.identity_store_id: must be an identity store id',
    );
    expect(faultOf(role(good.replace(ps, 'arn:aws:iam::222233334444:role/Admin')))).toContain(
      'roles[0] (prod-admin).aws_sso.permission_set_arn: must be a permission set ARN',
    );
    expect(faultOf(role(good.replace(ps, ps.replace('1111222233334444', '9999888877776666'))))).toContain(
      'roles[0] (prod-admin).aws_sso.permission_set_arn: belongs to another Identity Center instance than instance_arn',
    );
    expect(faultOf(`${role(good)}\naws: { identity_center: { portal_url: "http://acme.awsapps.com/start" } }`)).toContain(
      'aws.identity_center.portal_url: must be an https URL',
    );
  });

  it('refuses a Google Cloud basic role, which takes no IAM condition, naming the role and the key', () => {
    for (const basic of ['roles/owner', 'roles/editor', 'roles/viewer']) {
      const yaml = minimalRole().replace('provider: sandbox', `provider: gcp\n    gcp: { resource: projects/my-prod, role: ${basic} }`);
      expect(faultOf(yaml)).toContain(
        `roles[0] (prod-admin).gcp.role: ${basic} is a basic role, and IAM conditions cannot be put on basic roles`,
      );
    }
  });

  it('refuses Google Cloud resources, roles and members IAM would not take, naming each key', () => {
    const role = (gcp: string) => minimalRole().replace('provider: sandbox', `provider: gcp\n    gcp: ${gcp}`);
    expect(faultOf(role('{ resource: my-prod, role: roles/compute.admin }'))).toContain(
      'roles[0] (prod-admin).gcp.resource: must be projects/<project id or number>, folders/<number> or organizations/<number>',
    );
    expect(faultOf(role('{ resource: folders/12, role: compute.admin }'))).toContain(
      'roles[0] (prod-admin).gcp.role: must be an IAM role name',
    );
    expect(faultOf(minimalRole().replace('provider: sandbox', 'provider: gcp'))).toContain('provider gcp needs gcp.resource and gcp.role');
    expect(faultOf(`${minimalRole()}users:\n  U0CAROL: { gcp_member: carol@example.com }\n`)).toContain(
      'users.U0CAROL.gcp_member: must be an IAM member',
    );
    const custom = parsePolicy(role('{ resource: organizations/123, role: organizations/123/roles/jitReader }'), 'policy.yaml');
    expect(custom.roles[0]!.gcp).toEqual({ resource: 'organizations/123', role: 'organizations/123/roles/jitReader' });
  });

  it('fills defaults: default_duration, min_duration 1m, reason required', () => {
    const [role] = parsePolicy(minimalRole(), 'p.yaml').roles;
    expect(role).toMatchObject({ default_duration: 3_600_000, min_duration: 60_000, reason: 'required' });
  });

  it('names the file, the path and the fault', () => {
    const message = faultOf(minimalRole().replace('max_duration: 2h', 'max_duration: forever'));
    expect(message).toContain('policy.yaml: invalid policy');
    expect(message).toContain('roles[0] (prod-admin).max_duration: "forever" is not a duration');
  });

  it('refuses unknown keys, bad ids, and approval rules that cannot be met', () => {
    expect(faultOf(minimalRole().replace('provider: sandbox', 'provider: sandbox\n    max_duraton: 1h'))).toContain(
      'roles[0] (prod-admin): unknown key "max_duraton"; did you mean "max_duration"?',
    );
    expect(faultOf(minimalRole().replace('slack_users: [U0ALICE]', 'slack_users: [alice]'))).toContain(
      'roles[0] (prod-admin).approval.approvers.slack_users[0]: must be a Slack user id',
    );
    expect(faultOf(minimalRole().replace('required: 1', 'required: 3'))).toContain(
      'roles[0] (prod-admin).approval.required: needs 3 distinct approvers but only 1 are listed',
    );
    expect(faultOf(minimalRole().replace('provider: sandbox', 'provider: aws'))).toContain(
      'roles[0] (prod-admin).aws: provider aws needs aws.role_arn',
    );
    expect(
      faultOf(
        minimalRole(
          `  - id: prod-admin\n    provider: sandbox\n    requesters: { anyone: true }\n    max_duration: 1h\n    approval: { auto: true }`,
        ),
      ),
    ).toContain('roles[1] (prod-admin).id: duplicate role id "prod-admin"');
  });

  it('refuses a role with no approval channel anywhere', () => {
    expect(faultOf(minimalRole().replace('approvals: { slack_channel: C0APPROVALS }', ''))).toContain(
      'roles[0] (prod-admin).approval.slack_channel: no approval channel',
    );
  });

  it('reports YAML syntax errors with the file name', () => {
    expect(faultOf('roles: [unclosed')).toContain('policy.yaml: not valid YAML');
  });

  it('refuses an invalid ticket pattern', () => {
    expect(faultOf(minimalRole().replace('max_duration: 2h', 'max_duration: 2h\n    ticket_pattern: "(["'))).toContain(
      'roles[0] (prod-admin).ticket_pattern: is not a valid regular expression',
    );
  });
});
