import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { PolicySchema, type Policy } from '../access/policy';

export class PolicyError extends Error {}

/** `roles[3] (prod-admin).requesters`: a role is named by its id too, as people know it. */
function formatPath(path: ReadonlyArray<PropertyKey>, data: unknown): string {
  const roles = (data as { roles?: unknown })?.roles;
  return path.reduce<string>((acc, key, i) => {
    if (typeof key !== 'number') return acc ? `${acc}.${String(key)}` : String(key);
    const id = i === 1 && path[0] === 'roles' && Array.isArray(roles) ? (roles[key] as { id?: unknown } | undefined)?.id : undefined;
    return `${acc}[${key}]${typeof id === 'string' ? ` (${id})` : ''}`;
  }, '');
}

/** Parses policy YAML text; every fault names the file, the path inside it and what is wrong. */
export function parsePolicy(text: string, fileName: string): Policy {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PolicyError(`${fileName}: not valid YAML:\n${doc.errors.map((e) => `  ${e.message}`).join('\n')}`);
  }
  let data: unknown;
  try {
    // toJS() resolves aliases; an alias to a missing anchor (`*x`) throws here.
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (e) {
    throw new PolicyError(`${fileName}: not valid YAML: ${(e as Error).message}`);
  }
  const result = PolicySchema.safeParse(data);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${formatPath(issue.path, data) || '(top level)'}: ${issue.message}`);
  throw new PolicyError(`${fileName}: invalid policy:\n${lines.join('\n')}`);
}

export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PolicyError(`${path}: cannot read the policy file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); set JIT_POLICY_FILE or copy policy.example.yaml to policy.yaml`);
  }
  return parsePolicy(text, path);
}

export const EXAMPLE_POLICY_FILE = 'policy.example.yaml';

/**
 * On a fresh clone there is no policy.yaml yet: when JIT_POLICY_FILE was not set
 * explicitly, fall back to the shipped example so `npm start` works at once.
 */
export function choosePolicyFile(configured: string, explicitlySet: boolean): string {
  if (explicitlySet || existsSync(configured) || !existsSync(EXAMPLE_POLICY_FILE)) return configured;
  return EXAMPLE_POLICY_FILE;
}
