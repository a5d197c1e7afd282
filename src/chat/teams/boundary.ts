import type { Activity } from 'botbuilder';

/**
 * Which Teams activities jitbot acts on: only Teams itself (`channelId: msteams`; Direct
 * Line, Web Chat and the emulator let the client say who it is), and only people of the
 * allowed tenants. The Bot Framework token proves Microsoft sent the activity, not that it
 * came from Teams or from our organisation.
 */
export function whyRefused(activity: Partial<Activity>, allowedTenants: readonly string[]): string | undefined {
  if (activity.channelId !== 'msteams') return `channel ${String(activity.channelId ?? '?').slice(0, 40)} is not Teams`;
  const channelTenant = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  const tenants = [activity.conversation?.tenantId, channelTenant]
    .filter((t) => t !== undefined && t !== null)
    .map((t) => String(t).toLowerCase());
  if (tenants.length === 0) return 'the activity names no tenant';
  const foreign = tenants.find((t) => !allowedTenants.includes(t));
  return foreign ? `tenant ${foreign.slice(0, 40)} is not allowed` : undefined;
}
