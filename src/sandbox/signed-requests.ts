import { createHmac } from 'node:crypto';
import { FakeSlackApi } from './fake-slack-api';

/**
 * Builds requests the way Slack sends them (form-encoded, signed with the signing
 * secret), for the end-to-end tests and the local sandbox page.
 */
export function slackSignature(secret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export interface SignedRequestOptions {
  /** Seconds since the epoch; default now. Tests pass old ones to prove replay protection. */
  timestamp?: number;
  /** Tests: send without (or with a wrong) signature. */
  signature?: string | null;
}

/**
 * Where a payload says it comes from: by default the sandbox workspace (FakeSlackApi's);
 * tests name another workspace, a Slack Connect user's home team or a Grid org.
 */
export interface PayloadOrigin {
  teamId?: string;
  userTeamId?: string;
  enterpriseId?: string;
}

const HOME_TEAM = FakeSlackApi.TEAM_ID;

function teamFields(origin: PayloadOrigin = {}, userId: string) {
  const teamId = origin.teamId ?? HOME_TEAM;
  return {
    team: { id: teamId, domain: 'sandbox' },
    user: { id: userId, username: userId.toLowerCase(), team_id: origin.userTeamId ?? teamId },
    ...(origin.enterpriseId ? { enterprise: { id: origin.enterpriseId, name: 'org' }, is_enterprise_install: false } : {}),
  };
}

export class SlackRequestSigner {
  constructor(
    private readonly eventsUrl: string,
    private readonly signingSecret: string,
  ) {}

  post(form: Record<string, string>, opts: SignedRequestOptions = {}): Promise<Response> {
    return this.send(new URLSearchParams(form).toString(), 'application/x-www-form-urlencoded', opts);
  }

  private async send(body: string, contentType: string, opts: SignedRequestOptions): Promise<Response> {
    const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { 'content-type': contentType, 'x-slack-request-timestamp': String(timestamp) };
    const signature = opts.signature === undefined ? slackSignature(this.signingSecret, timestamp, body) : opts.signature;
    if (signature !== null) headers['x-slack-signature'] = signature;
    return fetch(this.eventsUrl, { method: 'POST', headers, body });
  }

  slashCommand(
    p: { userId: string; text: string; responseUrl: string; channelId?: string; triggerId?: string; origin?: PayloadOrigin },
    opts?: SignedRequestOptions,
  ): Promise<Response> {
    return this.post(
      {
        token: 'unused',
        team_id: p.origin?.teamId ?? HOME_TEAM,
        team_domain: 'sandbox',
        ...(p.origin?.enterpriseId ? { enterprise_id: p.origin.enterpriseId } : {}),
        channel_id: p.channelId ?? 'C0GENERAL',
        channel_name: 'general',
        user_id: p.userId,
        user_name: p.userId.toLowerCase(),
        command: '/jit',
        text: p.text,
        api_app_id: 'A0JITBOT',
        response_url: p.responseUrl,
        trigger_id: p.triggerId ?? `trigger-${Date.now()}`,
      },
      opts,
    );
  }

  /** A button click on a message (`channelId` + `messageTs`) or in the App Home view (`viewId`). */
  buttonClick(
    p: {
      userId: string;
      actionId: string;
      value: string;
      responseUrl?: string;
      channelId?: string;
      messageTs?: string;
      viewId?: string;
      blockId?: string;
      triggerId?: string;
      origin?: PayloadOrigin;
    },
    opts?: SignedRequestOptions,
  ): Promise<Response> {
    const where = p.viewId
      ? { container: { type: 'view', view_id: p.viewId }, view: { id: p.viewId, type: 'home' } }
      : {
          container: { type: 'message', message_ts: p.messageTs, channel_id: p.channelId, is_ephemeral: false },
          channel: { id: p.channelId, name: 'approvals' },
          message: { ts: p.messageTs, type: 'message' },
          response_url: p.responseUrl,
        };
    const payload = {
      type: 'block_actions',
      ...teamFields(p.origin, p.userId),
      api_app_id: 'A0JITBOT',
      token: 'unused',
      trigger_id: p.triggerId ?? `trigger-${Date.now()}`,
      ...where,
      actions: [
        {
          type: 'button',
          action_id: p.actionId,
          block_id: p.blockId ?? 'jit.decision',
          value: p.value,
          action_ts: String(Date.now() / 1000),
        },
      ],
    };
    return this.post({ payload: JSON.stringify(payload) }, opts);
  }

  /** An Events API callback (JSON, signed like the rest), e.g. `app_home_opened`. */
  event(event: Record<string, unknown>, opts: SignedRequestOptions = {}): Promise<Response> {
    const body = JSON.stringify({
      token: 'unused',
      team_id: HOME_TEAM,
      api_app_id: 'A0JITBOT',
      type: 'event_callback',
      event_id: `Ev${Date.now()}`,
      event_time: Math.floor(Date.now() / 1000),
      event,
    });
    return this.send(body, 'application/json', opts);
  }

  /** A choice in a static select on a message (`jit.approve_duration`, `jit.extend`). */
  selectOption(
    p: {
      userId: string;
      actionId: string;
      value: string;
      channelId: string;
      messageTs: string;
      responseUrl: string;
      blockId?: string;
      triggerId?: string;
    },
    opts?: SignedRequestOptions,
  ): Promise<Response> {
    const payload = {
      type: 'block_actions',
      ...teamFields(undefined, p.userId),
      api_app_id: 'A0JITBOT',
      token: 'unused',
      trigger_id: p.triggerId ?? `trigger-${Date.now()}`,
      response_url: p.responseUrl,
      container: { type: 'message', message_ts: p.messageTs, channel_id: p.channelId, is_ephemeral: false },
      channel: { id: p.channelId, name: 'approvals' },
      message: { ts: p.messageTs, type: 'message' },
      actions: [
        {
          type: 'static_select',
          action_id: p.actionId,
          block_id: p.blockId ?? 'jit.decision',
          selected_option: { text: { type: 'plain_text', text: p.value }, value: p.value },
          action_ts: String(Date.now() / 1000),
        },
      ],
    };
    return this.post({ payload: JSON.stringify(payload) }, opts);
  }

  /** What was typed in a select that searches (`external_select`): Slack asks its options load URL. */
  blockSuggestion(
    p: { userId: string; actionId: string; blockId: string; value: string; viewId?: string },
    opts?: SignedRequestOptions,
  ): Promise<Response> {
    const payload = {
      type: 'block_suggestion',
      ...teamFields(undefined, p.userId),
      api_app_id: 'A0JITBOT',
      token: 'unused',
      action_id: p.actionId,
      block_id: p.blockId,
      value: p.value,
      container: { type: 'view', view_id: p.viewId ?? 'V0SANDBOX' },
      view: { id: p.viewId ?? 'V0SANDBOX', type: 'modal' },
    };
    return this.post({ payload: JSON.stringify(payload) }, opts);
  }

  viewSubmission(
    p: {
      userId: string;
      callbackId: string;
      values: Record<string, Record<string, unknown>>;
      privateMetadata?: string;
      origin?: PayloadOrigin;
    },
    opts?: SignedRequestOptions,
  ): Promise<Response> {
    const payload = {
      type: 'view_submission',
      ...teamFields(p.origin, p.userId),
      api_app_id: 'A0JITBOT',
      token: 'unused',
      trigger_id: `trigger-${Date.now()}`,
      view: {
        id: 'V0SANDBOX',
        type: 'modal',
        callback_id: p.callbackId,
        private_metadata: p.privateMetadata ?? '',
        state: { values: p.values },
        hash: 'h',
      },
    };
    return this.post({ payload: JSON.stringify(payload) }, opts);
  }
}
