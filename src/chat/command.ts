import { DURATION_FORMS, looksNumeric, parseDurationMs } from '../lib/duration';
import { normaliseRequestId, REQUEST_ID_PATTERN } from '../lib/ids';

/**
 * The `/jit …` grammar (docs/using.md), shared by Slack and Teams. Parsing never
 * throws: bad input becomes `{ kind: 'invalid', message }`, shown with the help.
 */
export type Command =
  | { kind: 'request'; roleId?: string; durationMs?: number; reason?: string; breakGlass?: boolean }
  | { kind: 'list' }
  | { kind: 'pending' }
  | { kind: 'roles' }
  | { kind: 'whoami' }
  | { kind: 'home' }
  | { kind: 'help' }
  | { kind: 'revoke'; requestId: string }
  | { kind: 'cancel'; requestId: string }
  | { kind: 'extend'; requestId: string; addMs: number }
  | { kind: 'audit'; requestId: string }
  /** `day`: `yesterday` (default), `today` or `YYYY-MM-DD`; the digest service checks the date. */
  | { kind: 'digest'; day?: string }
  | { kind: 'invalid'; message: string };

const MAX_COMMAND_LENGTH = 2000;

/** Splits on white space, keeping "quoted text" (straight or curly quotes) as one word. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /"([^"]*)"|“([^”]*)”|'([^']*)'|‘([^’]*)’|(\S+)/g;
  for (const m of text.matchAll(pattern)) tokens.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? '');
  return tokens;
}

/** A request id as typed, or the message saying it is not one. */
function requestIdOf(raw: string): { requestId: string } | { invalid: string } {
  const requestId = normaliseRequestId(raw);
  if (!REQUEST_ID_PATTERN.test(requestId)) return { invalid: `"${raw}" is not a request id (they look like R-7K2M9QXA).` };
  return { requestId };
}

function idCommand(kind: 'revoke' | 'cancel' | 'audit', args: string[]): Command {
  const raw = args[0];
  if (!raw || args.length > 1) return { kind: 'invalid', message: `Usage: /jit ${kind} <request id>` };
  const id = requestIdOf(raw);
  return 'invalid' in id ? { kind: 'invalid', message: id.invalid } : { kind, requestId: id.requestId };
}

function extendCommand(args: string[]): Command {
  const usage = 'Usage: /jit extend <request id> <duration>, e.g. /jit extend R-7K2M9QXA 30m';
  const [raw, duration] = args;
  if (!raw || !duration || args.length !== 2) return { kind: 'invalid', message: usage };
  const id = requestIdOf(raw);
  if ('invalid' in id) return { kind: 'invalid', message: id.invalid };
  const addMs = parseDurationMs(duration);
  if (addMs === null)
    return { kind: 'invalid', message: `"${duration}" is not a usable duration (durations look like ${DURATION_FORMS}). ${usage}` };
  return { kind: 'extend', requestId: id.requestId, addMs };
}

/** `--break-glass` may stand anywhere after the role; it is a flag, not part of the reason. */
const BREAK_GLASS_FLAG = '--break-glass';

function requestCommand(allArgs: string[]): Command {
  const args = allArgs.filter((a) => a.toLowerCase() !== BREAK_GLASS_FLAG);
  if (args.length < allArgs.length) {
    const parsed = requestCommand(args);
    if (parsed.kind !== 'request') return parsed;
    if (!parsed.roleId) return { kind: 'invalid', message: `Usage: /jit request <role> [duration] ${BREAK_GLASS_FLAG} "reason"` };
    return { ...parsed, breakGlass: true };
  }
  const [roleId, maybeDuration, ...rest] = args;
  if (!roleId) return { kind: 'request' };
  if (maybeDuration === undefined) return { kind: 'request', roleId: roleId.toLowerCase() };
  const request = (durationMs: number | undefined, reasonWords: string[]): Command => ({
    kind: 'request',
    roleId: roleId.toLowerCase(),
    durationMs,
    reason: reasonWords.join(' ') || undefined,
  });
  // "3 hours fix it": a number and a unit word.
  const spelled = rest[0] !== undefined && /^\d+$/.test(maybeDuration) ? parseDurationMs(`${maybeDuration} ${rest[0]}`) : null;
  if (spelled !== null) return request(spelled, rest.slice(1));
  const durationMs = parseDurationMs(maybeDuration);
  if (durationMs !== null) return request(durationMs, rest);
  if (looksNumeric(maybeDuration)) {
    return {
      kind: 'invalid',
      message: `"${maybeDuration}" is not a usable duration: durations look like ${DURATION_FORMS}. If it starts your reason, put the reason in quotes.`,
    };
  }
  return request(undefined, [maybeDuration, ...rest]);
}

export function parseCommand(text: string): Command {
  if (text.length > MAX_COMMAND_LENGTH)
    return { kind: 'invalid', message: `That command is too long (${text.length} characters; at most ${MAX_COMMAND_LENGTH}).` };
  const tokens = tokenize(text.trim());
  // Teams users may type the leading `jit`; Slack's command already consumed it.
  if (tokens[0]?.toLowerCase() === 'jit' || tokens[0]?.toLowerCase() === '/jit') tokens.shift();
  const [verb, ...args] = tokens;
  switch (verb?.toLowerCase()) {
    case undefined:
    case 'help':
      return { kind: 'help' };
    case 'request':
      return requestCommand(args);
    case 'list':
    case 'pending':
    case 'roles':
    case 'whoami':
    case 'home':
      return args.length === 0
        ? { kind: verb.toLowerCase() as 'list' | 'pending' | 'roles' | 'whoami' | 'home' }
        : { kind: 'invalid', message: `/jit ${verb.toLowerCase()} takes no arguments.` };
    case 'revoke':
    case 'cancel':
    case 'audit':
      return idCommand(verb.toLowerCase() as 'revoke' | 'cancel' | 'audit', args);
    case 'extend':
      return extendCommand(args);
    case 'digest':
      if (args.length > 1) return { kind: 'invalid', message: 'Usage: /jit digest [yesterday|today|YYYY-MM-DD]' };
      if (args[0] && !/^(yesterday|today|\d{4}-\d{2}-\d{2})$/i.test(args[0]))
        return { kind: 'invalid', message: `"${args[0]}" is not a day (use yesterday, today or a date like 2026-11-24).` };
      return { kind: 'digest', day: args[0]?.toLowerCase() };
    default:
      return { kind: 'invalid', message: `I don't know "${verb}".` };
  }
}

export const HELP_LINES = [
  '`/jit request <role> [duration] [reason…]` — ask for a role, e.g. `/jit request prod-admin 1h "fix INC-42"` (missing parts open a form)',
  '`/jit request <role> [duration] --break-glass "reason"` — emergency: self-approve a role that allows break-glass (announced loudly, reviewed afterwards)',
  '`/jit list` — your recent requests and grants',
  '`/jit pending` — requests waiting for your approval',
  '`/jit home` — the access you hold, with time left and Revoke now, and what waits for your decision',
  '`/jit roles` — the roles you can ask for',
  '`/jit whoami` — who jitbot takes you for: your e-mail, your Slack and Teams accounts, what you may request and approve',
  '`/jit revoke <id>` — end an active grant now',
  "`/jit extend <id> <duration>` — add time to an active grant (within the role's maximum; may need approval)",
  '`/jit cancel <id>` — withdraw a pending request',
  '`/jit audit <id>` — the full audit timeline of a request (requester, approvers, security team)',
  '`/jit digest [yesterday|today|YYYY-MM-DD]` — post the daily digest now (security team)',
  '`/jit help` — this help',
];
