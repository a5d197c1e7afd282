import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import express, { type Application, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../../lib/logger';
import { isAuthFailure, type TeamsAdapter } from './adapter';
import type { TeamsBot } from './bot';

/** Largest activity accepted from the Bot Framework; real ones are a few KB. */
export const TEAMS_BODY_LIMIT = '256kb';

/**
 * `POST /api/messages`: every activity must carry a valid Bot Framework JWT (401
 * otherwise, before anything runs). Invokes are answered with the bot's invoke
 * response (the replacement card).
 */
export function mountTeamsRoute(http: Application, adapter: TeamsAdapter, bot: TeamsBot, logger: Logger): void {
  http.post(
    '/api/messages',
    express.json({ limit: TEAMS_BODY_LIMIT }),
    async (req: Request, res: Response) => {
      const activity = req.body as Partial<Activity> | undefined;
      if (!activity || typeof activity !== 'object' || typeof activity.type !== 'string') {
        res.status(400).json({ error: 'expected a Bot Framework activity (JSON with a "type")' });
        return;
      }
      try {
        const invoke = await adapter.handle(req.headers.authorization ?? '', activity as Activity, (context) => bot.run(context));
        res.status(invoke?.status ?? 200);
        if (invoke?.body !== undefined) res.json(invoke.body);
        else res.end();
      } catch (e) {
        if (isAuthFailure(e)) {
          logger.warn({ reason: (e as Error).message }, 'teams request refused: no valid Bot Framework token');
          res.status(401).json({ error: 'unauthorized' });
          return;
        }
        const ref = randomUUID().slice(0, 8);
        logger.error({ err: e, ref }, 'teams request failed');
        res.status(500).json({ error: `internal error (ref ${ref})` });
      }
    },
    // Bodies express cannot parse (not JSON, too large): a short answer, never a stack trace.
    (err: { status?: number; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
      res.status(err.status && err.status < 500 ? err.status : 400).json({ error: err.message ?? 'bad request' });
    },
  );
}
