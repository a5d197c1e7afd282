import type { Actor } from '../../access/model';
import type { Policy } from '../../access/policy';
import { AccessError } from '../../access/model/errors';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { showHidden } from '../../lib/text';
import { buildDigest } from './build';
import { DAY_PATTERN, dayOf, dayWindow } from './calendar';
import type { BuiltDigest, DigestFormat } from './model';
import type { DigestLedger, DigestPublisher, DigestSource } from './ports';

export interface DigestDeps {
  policy: Policy;
  source: DigestSource;
  ledger: DigestLedger;
  /** One per configured chat platform (none: digests can be built, not posted). */
  publishers: DigestPublisher[];
  clock: Clock;
  logger: Logger;
  /** The core's security-team check (refusals audited). */
  requireSecurityTeam(actor: Actor, what: string): Promise<void>;
  /** How long one run may hold the day before another may take over (a crashed run). */
  leaseMs?: number;
}

export type PublishOutcome =
  | { status: 'posted' | 'updated'; digest: BuiltDigest; channel: string }
  /** Another run holds the day right now. */
  | { status: 'busy'; day: string }
  | { status: 'not_configured'; digest: BuiltDigest };

const plainFormat: DigestFormat = {
  user: (id) => `@${id}`,
  text: showHidden,
  bold: (t) => t,
  code: (t) => t,
  emoji: (name) => `(${name})`,
};

/** Builds the daily digest from the store and posts it once per day, editing it on re-runs. */
export class DigestService {
  constructor(private readonly deps: DigestDeps) {}

  private get settings() {
    return this.deps.policy.digest;
  }

  /** Where the digest goes on a platform (`digest.slack_channel`, `digest.teams_channel`); undefined: not posted there. */
  private channelOf(platform: DigestPublisher['platform']): string | undefined {
    return platform === 'slack' ? this.settings.slack_channel : this.settings.teams_channel;
  }

  /** The digest of `day` (a calendar day in the digest time zone), not posted. */
  async build(day: string, fmt: DigestFormat = this.deps.publishers[0]?.fmt ?? plainFormat): Promise<BuiltDigest> {
    const zone = this.settings.timezone;
    const { start, end } = dayWindow(day, zone);
    const rows = await this.deps.source.load({
      start,
      end,
      deniedSince: new Date(start.getTime() - this.settings.anomalies.rerequest_within),
      revokeLateMs: this.settings.anomalies.revoke_late,
    });
    return buildDigest(
      { day, timezone: zone, start, end, now: this.deps.clock.now(), ...rows },
      { settings: this.settings, roles: this.deps.policy.roles, fmt },
    );
  }

  /**
   * Posts the day's digest, or edits it when it was posted before: the `digests`
   * row remembers every message, and its lease keeps two runs from posting at once.
   * Each message id is saved as soon as it exists, so a run that fails half-way is
   * finished by the retry, never doubled.
   */
  async publish(day: string, platform: DigestPublisher['platform']): Promise<PublishOutcome> {
    const { ledger, clock, logger } = this.deps;
    const publisher = this.deps.publishers.find((p) => p.platform === platform);
    const channel = this.channelOf(platform);
    if (!publisher || !channel) return { status: 'not_configured', digest: await this.build(day, publisher?.fmt) };
    const now = clock.now();
    const record = await ledger.claim(day, publisher.platform, channel, now, new Date(now.getTime() + (this.deps.leaseMs ?? 5 * 60_000)));
    if (!record) return { status: 'busy', day };
    let done = false;
    try {
      const digest = await this.build(day, publisher.fmt);
      const firstTime = record.parentTs === null;
      let parent = record.parentTs;
      if (parent) await publisher.update(record.channel, parent, digest.parent);
      else {
        parent = await publisher.post(record.channel, digest.parent);
        await ledger.saveParent(day, publisher.platform, parent, clock.now());
      }
      for (const reply of digest.replies) {
        const existing = record.replies[reply.key];
        if (existing) await publisher.update(record.channel, existing, reply.text, parent);
        else
          await ledger.saveReply(day, publisher.platform, reply.key, await publisher.post(record.channel, reply.text, parent), clock.now());
      }
      done = true;
      logger.info(
        { day, channel: record.channel, replies: digest.replies.length, anomalies: digest.anomalies.length },
        firstTime ? 'digest posted' : 'digest updated',
      );
      return { status: firstTime ? 'posted' : 'updated', digest, channel: record.channel };
    } finally {
      await ledger.release(day, publisher.platform, clock.now(), done);
    }
  }

  /**
   * The scheduled run: yesterday's digest, in the digest time zone, on every platform with a
   * digest channel (each has its own ledger row); `not_configured` when there is none.
   */
  async publishPrevious(): Promise<PublishOutcome[]> {
    const day = dayOf(this.deps.clock.now(), this.settings.timezone, -1);
    const platforms = this.deps.publishers.map((p) => p.platform).filter((p) => this.channelOf(p));
    if (platforms.length === 0) return [{ status: 'not_configured', digest: await this.build(day) }];
    const outcomes: PublishOutcome[] = [];
    for (const platform of platforms) outcomes.push(await this.publish(day, platform));
    return outcomes;
  }

  /** `/jit digest [date]` (in Slack, or `digest` in Teams: posted on that platform): security team only; `yesterday` (default), `today` or `YYYY-MM-DD`. */
  async onDemand(actor: Actor, dayArg?: string): Promise<PublishOutcome> {
    await this.deps.requireSecurityTeam(actor, 'digest');
    return this.publish(this.resolveDay(dayArg), actor.platform);
  }

  resolveDay(dayArg = 'yesterday'): string {
    const zone = this.settings.timezone;
    const today = dayOf(this.deps.clock.now(), zone);
    if (dayArg === 'today') return today;
    if (dayArg === 'yesterday') return dayOf(this.deps.clock.now(), zone, -1);
    let valid = DAY_PATTERN.test(dayArg);
    try {
      if (valid) dayWindow(dayArg, zone);
    } catch {
      valid = false;
    }
    if (!valid) throw new AccessError('bad_input', `"${dayArg}" is not a day: use yesterday, today or a date like ${today}.`);
    if (dayArg > today) throw new AccessError('bad_input', `${dayArg} has not happened yet (today is ${today} in ${zone}).`);
    return dayArg;
  }
}
