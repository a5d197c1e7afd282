import type { Policy, Role } from '../access/policy';

/**
 * The policy as the local sandbox runs it: every role on the sandbox provider, whatever
 * its `provider:` says, so anyone who reaches the page can try every role and none of
 * them reaches a cloud — even with cloud credentials in the environment. `moved` lists
 * the roles that would have reached one; the page and the log say so.
 */
export function sandboxed(policy: Policy): { policy: Policy; moved: Role[] } {
  const moved = policy.roles.filter((r) => r.provider !== 'sandbox');
  return { policy: { ...policy, roles: policy.roles.map((r) => ({ ...r, provider: 'sandbox' as const })) }, moved };
}

/** One line per moved role, for the log and the page. */
export function movedRolesNote(moved: Role[]): string | undefined {
  if (moved.length === 0) return undefined;
  const names = moved.map((r) => `${r.id} (${r.provider})`).join(', ');
  return `In the sandbox every role runs on the sandbox provider: ${names} ${moved.length === 1 ? 'gives' : 'give'} no real cloud access here, whatever credentials the environment holds.`;
}

/**
 * The page's messages live in this process only; the requests and grants live in the
 * database. After a restart on kept data (the default `./.jitbot`), say so on the page
 * rather than leave old grants in `/jit list` without their cards unexplained.
 */
export function earlierRunsNote(requestsKept: number): string | undefined {
  if (requestsKept === 0) return undefined;
  return `This page starts empty each time jitbot starts, but the database keeps what earlier runs did: ${requestsKept} request${requestsKept === 1 ? '' : 's'} from before (\`/jit list\` shows yours; their cards were on the page of that run). Start with JIT_DATA_DIR=memory:// for a clean slate each time.`;
}
