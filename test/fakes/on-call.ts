import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local stand-ins for PagerDuty's REST API v2 (`/users?query=`, `/oncalls`) and
 * Opsgenie's Schedule API (`/v2/schedules/{id}/on-calls`), as far as jitbot uses them.
 */
export class FakeOnCallApis {
  /** schedule id → e-mails on call now. */
  readonly onCall = new Map<string, string[]>();
  readonly calls: string[] = [];
  /** While set, every answer is this HTTP status (an outage). */
  failWith: number | undefined;
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    const app = express();
    app.use((req, res, next) => {
      this.calls.push(`${req.method} ${req.path}`);
      if (this.failWith) return void res.status(this.failWith).json({ error: 'outage' });
      next();
    });
    // PagerDuty: Authorization: Token token=…
    app.get('/users', (req, res) => {
      if (req.headers.authorization !== 'Token token=pd-key') return void res.status(401).json({ error: 'bad key' });
      const query = String(req.query.query ?? '').toLowerCase(); // PagerDuty matches case-insensitively
      const emails = [...new Set([...this.onCall.values()].flat())].filter((e) => e.includes(query));
      res.json({ users: emails.map((email) => ({ id: `P${email.split('@')[0]!.toUpperCase()}`, email })) });
    });
    app.get('/oncalls', (req, res) => {
      // Express 5's simple query parser keeps the brackets in the key.
      const schedules = [req.query['schedule_ids[]'] ?? []].flat().map(String);
      const users = [req.query['user_ids[]'] ?? []].flat().map(String);
      const oncalls = schedules.flatMap((s) =>
        (this.onCall.get(s) ?? []).map((email) => ({ user: { id: `P${email.split('@')[0]!.toUpperCase()}` }, schedule: { id: s } })),
      );
      res.json({ oncalls: oncalls.filter((o) => users.length === 0 || users.includes(o.user.id)) });
    });
    // Opsgenie: Authorization: GenieKey …
    app.get('/v2/schedules/:id/on-calls', (req, res) => {
      if (req.headers.authorization !== 'GenieKey og-key') return void res.status(401).json({ message: 'bad key' });
      if (!this.onCall.has(req.params.id)) return void res.status(404).json({ message: 'Schedule not found' });
      res.json({ data: { onCallRecipients: this.onCall.get(req.params.id) }, took: 0.01, requestId: 'r' });
    });
    await new Promise<void>((resolve) => {
      this.server = app.listen(0, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** The environment that points jitbot's look-ups at this fake, with the keys it accepts. */
  env(): Record<string, string> {
    return { PAGERDUTY_API_KEY: 'pd-key', PAGERDUTY_API_URL: this.url, OPSGENIE_API_KEY: 'og-key', OPSGENIE_API_URL: this.url };
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
