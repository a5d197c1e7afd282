import type { z } from 'zod';

/** What a zod 4 schema says about itself (`schema._zod.def`), as far as walking keys needs. */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
}
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * Every leaf key of an object schema as a path: `approvals.pending_ttl`,
 * `roles[].approval.escalation[].after`, `users.<id>.email`. Wrappers (optional,
 * default, transforms) are seen through; a union lists the keys of each member.
 */
export function schemaKeys(schema: z.ZodType, path = ''): string[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape!).flatMap(([key, value]) => schemaKeys(value, path ? `${path}.${key}` : key));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
      return schemaKeys(def.innerType!, path);
    case 'pipe':
      return schemaKeys(def.in!, path);
    case 'array': {
      // A list of objects has keys of its own; a list of plain values is one key.
      const inner = schemaKeys(def.element!, `${path}[]`);
      return inner.length === 1 && inner[0] === `${path}[]` ? [path] : inner;
    }
    case 'union':
      return [...new Set(def.options!.flatMap((option) => schemaKeys(option, path)))];
    case 'record':
      return schemaKeys(def.valueType!, `${path}.<id>`);
    default:
      return [path];
  }
}
