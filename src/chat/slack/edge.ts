import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import type { Middleware, AnyMiddlewareArgs } from '@slack/bolt';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Actor } from '../../access/model';
import type { Logger } from '../../lib/logger';
import type { SlackWorkspace } from './directory';

/**
 * The edge of Slack: what may reach jitbot's listeners. Bolt checks the signature and
 * that the timestamp is not older than five minutes; this also refuses timestamps more
 * than five minutes in the future, payloads without the fields every listener relies on
 * (400, not a crash), and anything from a workspace other than the one the bot is
 * installed in (its Enterprise Grid org counts as one).
 */

/** How far a request's timestamp may be from our clock, either way (Slack's own rule is five minutes). */
export const MAX_CLOCK_SKEW_S = 5 * 60;

const id = z.string().min(1).max(64);
const team = z.object({ id }).nullish();

/** The fields each kind of payload must have before any listener sees it. */
const Payload = z.union([
  z.object({ type: z.enum(['url_verification', 'ssl_check']) }),
  z.object({ type: z.literal('event_callback'), team_id: id, enterprise_id: id.nullish(), event: z.object({ type: z.string() }) }),
  z.object({ command: z.string().min(1), user_id: id, team_id: id, enterprise_id: id.nullish() }),
  z.object({
    type: z.enum(['block_actions', 'view_submission', 'view_closed', 'block_suggestion', 'shortcut', 'message_action']),
    user: z.object({ id, team_id: id.nullish() }),
    team,
    enterprise: team,
  }),
]);
type Payload = z.output<typeof Payload>;

/** Who sent a payload, and from which workspace (the team ids it names, and its Grid org). */
function originOf(payload: Payload): { actor?: Actor; teams: string[]; enterprise?: string } {
  if ('command' in payload)
    return {
      actor: { platform: 'slack', userId: payload.user_id },
      teams: [payload.team_id],
      enterprise: payload.enterprise_id ?? undefined,
    };
  if (payload.type === 'event_callback') return { teams: [payload.team_id], enterprise: payload.enterprise_id ?? undefined };
  if ('user' in payload) {
    const teams = [payload.team?.id, payload.user.team_id].filter((t): t is string => Boolean(t));
    return { actor: { platform: 'slack', userId: payload.user.id }, teams, enterprise: payload.enterprise?.id };
  }
  return { teams: [] };
}

export type Admission =
  | { ok: true; payload: Payload }
  | { ok: false; status: 400; why: string }
  | { ok: false; status: 200; why: string; actor?: Actor; command: boolean };

/**
 * Whether a parsed, signed payload may reach the listeners: well-formed, and from the
 * bot's workspace (or its Grid org). Slack's own checks (url_verification) pass as they are.
 */
export function admitPayload(body: unknown, home: SlackWorkspace): Admission {
  const parsed = Payload.safeParse(body);
  if (!parsed.success)
    return { ok: false, status: 400, why: 'not a Slack payload jitbot understands (a required field is missing or malformed)' };
  const payload = parsed.data;
  if ('type' in payload && (payload.type === 'url_verification' || payload.type === 'ssl_check')) return { ok: true, payload };
  const origin = originOf(payload);
  const sameOrg = home.enterpriseId !== undefined && origin.enterprise === home.enterpriseId;
  const sameTeam = origin.teams.length > 0 && origin.teams.every((t) => t === home.teamId);
  if (sameOrg || sameTeam) return { ok: true, payload };
  return {
    ok: false,
    status: 200,
    why: `from workspace ${origin.teams.join('/') || '?'}${origin.enterprise ? ` (org ${origin.enterprise})` : ''}, not ${home.teamId}`,
    actor: origin.actor,
    command: 'command' in payload,
  };
}

/** What a person from another workspace sees (only slash commands show an answer). */
const FOREIGN_ANSWER = { response_type: 'ephemeral', text: ':no_entry: jitbot acts only for members of the workspace it is installed in.' };

function signatureMatches(secret: string, timestamp: string, raw: Buffer, signature: string): boolean {
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(raw).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString('utf8');
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    const form = parseQuery(text);
    return typeof form.payload === 'string' ? JSON.parse(form.payload) : form;
  }
  return JSON.parse(text);
}

export interface EdgeOptions {
  signingSecret: string;
  bodyLimit: string;
  /** The bot's workspace (`auth.test`). */
  workspace: () => Promise<SlackWorkspace>;
  /** A signed payload from another workspace was refused (the runtime audits it). */
  onForeign: (refusal: { actor?: Actor; why: string }) => Promise<void>;
  logger: Logger;
  now?: () => number;
}

/**
 * `POST /slack/events`, before Bolt's own route (HTTP mode): 401 for a missing, wrong,
 * stale or future-dated signature; 400 for a body that is not a payload jitbot
 * understands; a quiet refusal (audited) for another workspace. What passes goes on to
 * Bolt with its raw body, which Bolt verifies again and parses.
 */
export function slackEdge(opts: EdgeOptions): RequestHandler[] {
  const now = opts.now ?? Date.now;
  const check = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const timestamp = req.get('x-slack-request-timestamp') ?? '';
    const signature = req.get('x-slack-signature') ?? '';
    const skew = Math.abs(now() / 1000 - Number(timestamp));
    if (!/^\d{1,12}$/.test(timestamp) || !(skew <= MAX_CLOCK_SKEW_S)) {
      opts.logger.warn(
        { timestamp, skewSeconds: Number.isFinite(skew) ? Math.round(skew) : undefined },
        'slack request refused: timestamp missing or more than five minutes off',
      );
      res.status(401).send();
      return;
    }
    if (!signatureMatches(opts.signingSecret, timestamp, raw, signature)) {
      opts.logger.warn('slack request refused: signature mismatch');
      res.status(401).send();
      return;
    }
    let body: unknown;
    try {
      body = parseBody(raw, req.get('content-type'));
    } catch {
      res.status(400).json({ error: 'the body is not valid JSON or form data' });
      return;
    }
    let home: SlackWorkspace;
    try {
      home = await opts.workspace();
    } catch (e) {
      opts.logger.error({ err: e }, 'slack request refused: cannot tell which workspace the bot is installed in (auth.test failed)');
      res.status(503).json({ error: 'jitbot cannot reach Slack just now; try again in a minute' });
      return;
    }
    const admission = admitPayload(body, home);
    if (admission.ok) {
      // Bolt reads the raw body from here (its support for pre-read bodies), verifies and parses it itself.
      (req as Request & { rawBody?: Buffer }).rawBody = raw;
      next();
      return;
    }
    if (admission.status === 400) {
      res.status(400).json({ error: admission.why });
      return;
    }
    opts.logger.warn({ why: admission.why, user: admission.actor?.userId }, 'slack request refused: another workspace');
    await opts
      .onForeign({ actor: admission.actor, why: admission.why })
      .catch((err: unknown) => opts.logger.error({ err }, 'could not audit a refused Slack request'));
    if (admission.command) res.json(FOREIGN_ANSWER);
    else res.status(200).send();
  };
  return [express.raw({ type: () => true, limit: opts.bodyLimit }), (req, res, next) => void check(req, res, next).catch(next)];
}

/**
 * The same admission in Socket Mode (no HTTP, no signature: Slack's socket is the
 * channel): a Bolt global middleware that acknowledges and drops what may not pass.
 */
export function socketModeEdge(opts: Pick<EdgeOptions, 'workspace' | 'onForeign' | 'logger'>): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const ack = 'ack' in args && typeof args.ack === 'function' ? (args.ack as (answer?: unknown) => Promise<void>) : undefined;
    const admission = admitPayload(args.body, await opts.workspace());
    if (admission.ok) return args.next();
    opts.logger.warn({ why: admission.why }, 'slack payload refused');
    if (!admission.ok && admission.status === 200) await opts.onForeign({ actor: admission.actor, why: admission.why });
    await ack?.(admission.status === 200 && admission.command ? FOREIGN_ANSWER : undefined);
  };
}
