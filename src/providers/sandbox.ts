import { eq } from 'drizzle-orm';
import type { Grant } from '../access/model';
import type { Role } from '../access/policy';
import type { AccessProvider, GrantContext, ProviderGrantResult } from '../access/ports';
import type { Db } from '../store/db';
import { sandboxGrants } from '../store/schema';

/**
 * A provider that touches no cloud: it records "access" in Postgres so the whole
 * loop can be tried and tested. Every message about its grants says SANDBOX.
 */
export class SandboxProvider implements AccessProvider {
  readonly name = 'sandbox';
  readonly label = 'SANDBOX (no real cloud access)';

  constructor(
    private readonly db: Db,
    /** Called on every grant, revoke and revoke check; tests use it to fail or slow the provider. */
    private readonly hook: (op: 'grant' | 'revoke' | 'verify', grantId: string) => Promise<void> = async () => undefined,
  ) {}

  async grant(ctx: GrantContext): Promise<ProviderGrantResult> {
    await this.hook('grant', ctx.grantId);
    await this.db
      .insert(sandboxGrants)
      .values({
        grantId: ctx.grantId,
        roleId: ctx.role.id,
        principal: ctx.request.requesterId,
        grantedAt: new Date(),
        expiresAt: ctx.expiresAt,
      })
      .onConflictDoNothing();
    return { ref: `sandbox:${ctx.grantId}` };
  }

  async revoke(grant: Grant, _role: Role): Promise<void> {
    await this.hook('revoke', grant.id);
    await this.db.update(sandboxGrants).set({ revokedAt: new Date() }).where(eq(sandboxGrants.grantId, grant.id));
  }

  /** The sandbox's record is the truth: no standing row, no access. */
  async verifyRevoked(grant: Grant): Promise<boolean> {
    await this.hook('verify', grant.id);
    return !(await this.isStanding(grant.id));
  }

  /** Whether the sandbox currently holds access for a grant (tests and the sandbox page read this). */
  async isStanding(grantId: string): Promise<boolean> {
    const [row] = await this.db.select().from(sandboxGrants).where(eq(sandboxGrants.grantId, grantId));
    return Boolean(row && !row.revokedAt);
  }
}
