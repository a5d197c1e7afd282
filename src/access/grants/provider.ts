import type { Core } from '../core';
import { AccessError } from '../model/errors';
import type { Role } from '../policy';
import type { AccessProvider } from '../ports';

/**
 * The provider by name: the role's when access is given, the grant's own when it is taken
 * away (a grant is ended where it was given, even if the policy moved its role since).
 */
export function providerNamed(core: Core, name: string, role: Role): AccessProvider {
  const provider = core.deps.providers(name);
  if (!provider) throw new AccessError('not_allowed', `Provider "${name}" of role ${role.id} is not configured on this server.`);
  return provider;
}
