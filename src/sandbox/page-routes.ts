import path from 'node:path';
import express, { type Application, type Request, type Response } from 'express';
import { z } from 'zod';
import { approvalSlackChannel, type Policy } from '../access/policy';
import { EMOJI } from '../chat/words/markup';
import type { Logger } from '../lib/logger';
import type { FakeSlackApi } from './fake-slack-api';
import { dmChannel, type SandboxSession } from './session';
import type { SlackRequestSigner } from './signed-requests';

/** The simulated person who asks for access; approvers come from the policy. */
export const SANDBOX_REQUESTER = 'U0REQUESTER';
export const SANDBOX_GENERAL = 'C0GENERAL';

export interface SandboxPeople {
  users: Array<{ id: string; label: string }>;
  channels: Array<{ id: string; name: string }>;
  /** The user groups the policy names, each with members here (the fake Slack answers with them). */
  groups: Array<{ id: string; name: string; members: string[] }>;
}

/** Every Slack user group a policy names: as requesters, approvers, escalation tiers or the security team. */
function groupsNamed(policy: Policy): string[] {
  const ids = new Set<string>(policy.digest?.security_team?.slack_usergroups ?? []);
  for (const role of policy.roles) {
    for (const id of role.requesters.slack_usergroups ?? []) ids.add(id);
    for (const id of role.approval.approvers?.slack_usergroups ?? []) ids.add(id);
    for (const tier of role.approval.escalation) for (const id of tier.approvers.slack_usergroups ?? []) ids.add(id);
  }
  return [...ids];
}

/**
 * Who can be picked in the page and which channels exist: everyone and everything the
 * policy names. Each user group gets the requester and two people of its own
 * (S0ONCALL: U0ONCALL1, U0ONCALL2), so a role whose requesters or approvers are a group
 * can be tried end to end.
 */
export function sandboxPeople(policy: Policy): SandboxPeople {
  const approvers = new Set<string>();
  for (const role of policy.roles) {
    for (const id of role.approval.approvers?.slack_users ?? []) approvers.add(id);
    for (const tier of role.approval.escalation) for (const id of tier.approvers.slack_users ?? []) approvers.add(id);
  }
  const security = new Set(policy.digest?.security_team?.slack_users ?? []);
  const groups = groupsNamed(policy).map((id) => {
    const name = id.replace(/^S0?/, '').toLowerCase();
    return { id, name, members: [SANDBOX_REQUESTER, `U0${name.toUpperCase()}1`, `U0${name.toUpperCase()}2`] };
  });
  const groupPeople = groups.flatMap((g) => g.members.slice(1).map((id) => ({ id, label: `@${g.name}` })));
  const named = new Set([SANDBOX_REQUESTER, ...approvers, ...security, ...groupPeople.map((u) => u.id)]);
  const others = Object.keys(policy.users).filter((id) => /^[UW]/.test(id) && !named.has(id));
  const users = [
    { id: SANDBOX_REQUESTER, label: 'requester' },
    ...[...approvers].map((id) => ({ id, label: 'approver' })),
    ...[...security].filter((id) => !approvers.has(id)).map((id) => ({ id, label: 'security' })),
    ...groupPeople.filter((u) => !approvers.has(u.id) && !security.has(u.id)),
    ...others.map((id) => ({ id, label: 'user' })),
  ];
  const channelIds = new Set<string>([SANDBOX_GENERAL]);
  for (const role of policy.roles) {
    const channel = approvalSlackChannel(policy, role);
    if (channel) channelIds.add(channel);
  }
  if (policy.digest?.slack_channel) channelIds.add(policy.digest.slack_channel);
  // Slack shows names, the policy only ids: C0PRODAPPROVALS reads as #prodapprovals.
  const channels = [...channelIds].map((id) => ({ id, name: id.replace(/^C0?/, '').toLowerCase() }));
  return { users, channels, groups };
}

export interface SandboxPageDeps {
  session: SandboxSession;
  api: FakeSlackApi;
  signer: SlackRequestSigner;
  policy: Policy;
  logger: Logger;
  /** Shown at the top of the page (which roles would have reached a cloud elsewhere). */
  notes: string[];
}

/**
 * The local sandbox page at `/sandbox`: a chat channel look-alike whose every
 * action is sent to the real Bolt app as a signed Slack request (server side),
 * and whose content is what the bot sent to the fake Web API.
 */
export function mountSandboxPage(http: Application, deps: SandboxPageDeps): void {
  const { session, api, signer } = deps;
  const people = sandboxPeople(deps.policy);
  for (const group of people.groups) api.setGroupMembers(group.id, group.members);
  const knownUser = z.string().refine((id) => people.users.some((u) => u.id === id), 'is not one of the sandbox users');
  const channel = z.string().regex(/^(C[A-Z0-9]+|D:[UW][A-Z0-9]+)$/, 'is not a sandbox channel');

  const CommandBody = z.object({ userId: knownUser, channel, text: z.string().trim().max(2000) });
  const ClickBody = z.object({
    userId: knownUser,
    actionId: z.string().min(1).max(255),
    value: z.string().max(2000).default(''),
    blockId: z.string().max(255).optional(),
    channel: channel.optional(),
    ts: z.string().max(64).optional(),
    home: z.boolean().default(false),
  });
  const SelectBody = z.object({
    userId: knownUser,
    actionId: z.string().min(1).max(255),
    value: z.string().min(1).max(2000),
    blockId: z.string().max(255).optional(),
    channel,
    ts: z.string().max(64),
  });
  const SubmitBody = z.object({ userId: knownUser, values: z.record(z.string(), z.record(z.string(), z.unknown())) });
  const UserBody = z.object({ userId: knownUser });

  /** Parses the body or answers 400 with what is wrong; the bot is not called then. */
  const route =
    <S extends z.ZodType>(schema: S, handler: (body: z.output<S>, res: Response) => Promise<void>) =>
    async (req: Request, res: Response) => {
      const parsed = schema.safeParse(req.body);
      if (!parsed.success)
        return void res
          .status(400)
          .json({ error: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ') });
      try {
        await handler(parsed.data, res);
      } catch (err) {
        deps.logger.error({ err }, 'sandbox page action failed');
        res.status(502).json({ error: `the bot did not answer: ${(err as Error).message}` });
      }
    };
  const answer = async (res: Response, sent: globalThis.Response) => void res.status(sent.ok ? 200 : 502).json({ status: sent.status });

  const router = express.Router();
  router.use(express.json({ limit: '64kb' }));
  // The page draws Slack's :name: emoji from the bot's own table, so the two cannot differ.
  router.get('/emoji.js', (_req, res) => {
    res.type('application/javascript').send(`window.JIT_EMOJI = ${JSON.stringify(EMOJI)};\n`);
  });
  router.use(express.static(path.join(__dirname, 'page'), { index: 'index.html' }));
  router.get('/api/state', (_req, res) => void res.json({ ...session.state(), ...people, notes: deps.notes }));

  router.post(
    '/api/command',
    route(CommandBody, async (b, res) => {
      const text = b.text.replace(/^\/jit\b\s*/, '');
      session.addCommand(b.userId, b.channel, text);
      const slackChannel = b.channel.startsWith('D:') ? `D${b.userId.slice(1)}` : b.channel;
      const origin = { userId: b.userId, channel: b.channel };
      await answer(
        res,
        await signer.slashCommand({
          userId: b.userId,
          text,
          channelId: slackChannel,
          responseUrl: api.responseUrl(session.newOrigin('response', origin)),
          triggerId: session.newOrigin('trigger', origin),
        }),
      );
    }),
  );

  router.post(
    '/api/click',
    route(ClickBody, async (b, res) => {
      const origin = { userId: b.userId, channel: b.channel ?? dmChannel(b.userId) };
      const triggerId = session.newOrigin('trigger', origin);
      const sent = b.home
        ? await signer.buttonClick({
            userId: b.userId,
            actionId: b.actionId,
            value: b.value,
            blockId: b.blockId,
            viewId: `VHOME${b.userId}`,
            triggerId,
          })
        : await signer.buttonClick({
            userId: b.userId,
            actionId: b.actionId,
            value: b.value,
            blockId: b.blockId,
            channelId: b.channel,
            messageTs: b.ts,
            triggerId,
            responseUrl: api.responseUrl(session.newOrigin('response', origin)),
          });
      await answer(res, sent);
    }),
  );

  router.post(
    '/api/select',
    route(SelectBody, async (b, res) => {
      const origin = { userId: b.userId, channel: b.channel };
      await answer(
        res,
        await signer.selectOption({
          userId: b.userId,
          actionId: b.actionId,
          value: b.value,
          blockId: b.blockId,
          channelId: b.channel,
          messageTs: b.ts,
          triggerId: session.newOrigin('trigger', origin),
          responseUrl: api.responseUrl(session.newOrigin('response', origin)),
        }),
      );
    }),
  );

  router.post(
    '/api/submit',
    route(SubmitBody, async (b, res) => {
      const modal = session.modalOf(b.userId);
      if (!modal) return void res.status(409).json({ error: 'no form is open for this user' });
      const sent = await signer.viewSubmission({
        userId: b.userId,
        callbackId: modal.callbackId,
        privateMetadata: modal.privateMetadata,
        values: b.values as never,
      });
      const text = await sent.text();
      const reply = text ? (JSON.parse(text) as { response_action?: string; errors?: Record<string, string> }) : {};
      if (reply.response_action === 'errors' && reply.errors) session.setModalErrors(b.userId, reply.errors);
      else if (sent.ok) session.closeModal(b.userId);
      await answer(res, sent);
    }),
  );

  router.post(
    '/api/close',
    route(UserBody, async (b, res) => {
      session.closeModal(b.userId);
      res.json({ ok: true });
    }),
  );

  router.post(
    '/api/home',
    route(UserBody, async (b, res) => {
      await answer(
        res,
        await signer.event({
          type: 'app_home_opened',
          user: b.userId,
          channel: `D${b.userId.slice(1)}`,
          tab: 'home',
          event_ts: String(Date.now() / 1000),
        }),
      );
    }),
  );

  http.use('/sandbox', router);
}
