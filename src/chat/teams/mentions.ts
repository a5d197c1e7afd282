import type { EntraDirectory } from '../../access/ports';
import type { ApproverSet } from '../../access/policy';
import type { Logger } from '../../lib/logger';
import type { Markup } from '../words/markup';
import { teamsText } from './cards/format';

/** A Teams mention: `text` appears verbatim in the message or card, and Teams turns it into an @mention of `mentioned`. */
export interface MentionEntity {
  type: 'mention';
  text: string;
  mentioned: { id: string; name: string };
}

/** Where the names behind mentions come from. */
export interface MentionSources {
  /** A Teams user's display name as the roster last gave it (null: never seen). */
  displayName(objectId: string): Promise<string | null>;
  /** Graph, when the policy names Entra groups: their users are mentioned one by one. */
  entra?: EntraDirectory;
}

/** An Entra group is mentioned through at most this many of its users; the rest are named by the group. */
export const GROUP_MENTION_LIMIT = 10;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Markup that @mentions people, for a message that names approvers: Teams users (Entra
 * object ids) become `<at>name</at>` with a mention entity each, and an Entra group
 * becomes mentions of its users. Names are looked up first; a name or group Graph cannot
 * give now is written as text instead (the message still goes out).
 */
export async function mentioning(
  base: Markup,
  sets: ApproverSet[],
  sources: MentionSources,
  logger: Logger,
): Promise<{ markup: Markup; entities: () => MentionEntity[] }> {
  const names = new Map<string, string>();
  for (const id of new Set(sets.flatMap((s) => s.teams_users.map((u) => u.toLowerCase())))) {
    names.set(id, (await sources.displayName(id).catch(() => null)) ?? 'approver');
  }
  const groups = new Map<string, { users: { id: string; name: string }[]; more: boolean }>();
  for (const groupId of new Set(sets.flatMap((s) => s.entra_groups))) {
    const users = await sources.entra?.groupUsers(groupId, GROUP_MENTION_LIMIT + 1).catch((e: unknown) => {
      logger.warn({ err: e, groupId }, 'could not read an Entra group to mention its users; naming the group instead');
      return undefined;
    });
    if (users?.length)
      groups.set(groupId, {
        users: users.slice(0, GROUP_MENTION_LIMIT).map((u) => ({ id: u.id, name: u.name ?? 'approver' })),
        more: users.length > GROUP_MENTION_LIMIT,
      });
  }

  const entities = new Map<string, MentionEntity>();
  const mention = (id: string, name: string) => {
    const text = `<at>${teamsText(name)}</at>`;
    entities.set(id, { type: 'mention', text, mentioned: { id, name } });
    return text;
  };
  const markup: Markup = {
    ...base,
    user: (id) => {
      const name = names.get(id.toLowerCase());
      return name ? mention(id.toLowerCase(), name) : base.user(id);
    },
    group: (id) => {
      const group = GUID.test(id) ? groups.get(id.toLowerCase()) : undefined;
      if (!group) return base.group(id);
      const people = group.users.map((u) => mention(u.id, u.name)).join(', ');
      return group.more ? `${people} and others of ${base.group(id)}` : people;
    },
  };
  // The entities of the mentions rendered so far: read after the words are written.
  return { markup, entities: () => [...entities.values()] };
}

/** The text with `<at>…</at>` marks dropped: for a notification summary, which shows no mentions. */
export function withoutMentionTags(text: string): string {
  return text.replace(/<\/?at>/g, '');
}
