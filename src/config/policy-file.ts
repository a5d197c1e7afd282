import { existsSync, readFileSync } from 'node:fs';
import leven from 'leven';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
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

/** What a zod schema node is made of, as far as finding the keys of an object goes. */
interface SchemaDef {
  type: string;
  innerType?: { _zod: { def: SchemaDef } };
  in?: { _zod: { def: SchemaDef } };
  element?: { _zod: { def: SchemaDef } };
  valueType?: { _zod: { def: SchemaDef } };
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
}

/** The keys the policy's schema allows at `path` (an object's own keys), following defaults, arrays and records. */
function keysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  let def = (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
  let i = 0;
  for (;;) {
    // Wrappers (default, optional, a transform's pipe) hold the schema that parses.
    const wrapped = def.innerType ?? def.in;
    if (wrapped) {
      def = wrapped._zod.def;
      continue;
    }
    if (i === path.length) return def.shape ? Object.keys(def.shape) : [];
    const key = path[i++]!;
    const next = typeof key === 'number' ? def.element : (def.valueType ?? def.shape?.[String(key)]);
    if (!next) return [];
    def = next._zod.def;
  }
}

/** `approval` → "did you mean approvals?": the nearest allowed key, when it is near (a typo, a missing s). */
function didYouMean(key: string, allowed: string[]): string {
  const nearest = allowed.map((k) => ({ k, d: leven(key.toLowerCase(), k) })).sort((a, b) => a.d - b.d)[0];
  return nearest && nearest.d <= Math.max(2, Math.floor(key.length / 3))
    ? `; did you mean "${nearest.k}"?`
    : allowed.length
      ? ` (allowed here: ${allowed.join(', ')})`
      : '';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'unrecognized_keys') return issue.message;
  const allowed = keysAt(PolicySchema, issue.path);
  return issue.keys.map((key) => `unknown key "${key}"${didYouMean(key, allowed)}`).join('; ');
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
  const lines = result.error.issues.map((issue) => `  ${formatPath(issue.path, data) || '(top level)'}: ${describeIssue(issue)}`);
  throw new PolicyError(`${fileName}: invalid policy:\n${lines.join('\n')}`);
}

export function loadPolicyFile(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PolicyError(
      `${path}: cannot read the policy file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); set JIT_POLICY_FILE or copy policy.example.yaml to policy.yaml`,
    );
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
