import type { AccessProvider, ProviderLookup } from '../access/ports';

/** Providers by the name roles use in the policy (`provider: sandbox | aws | azure`). */
export function providerLookup(providers: AccessProvider[]): ProviderLookup {
  const byName = new Map(providers.map((p) => [p.name, p]));
  return (name) => byName.get(name);
}
