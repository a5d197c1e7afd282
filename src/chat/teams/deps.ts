import type { DigestService } from '../../audit/digest/service';
import type { AccessService } from '../../access/service';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { ConversationReferenceStore } from './conversation-store';
import type { TeamsRoster } from './roster';

/** What every Teams handler receives (no module singletons: tests pass their own). */
export interface TeamsDeps {
  service: AccessService;
  digests: DigestService;
  conversations: ConversationReferenceStore;
  clock: Clock;
  logger: Logger;
  /** Entra tenants whose people may use jitbot (lower case). */
  allowedTenants: readonly string[];
  roster: TeamsRoster;
}
