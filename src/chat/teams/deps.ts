import type { DigestService } from '../../audit/digest/service';
import type { AccessService } from '../../access/service';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import type { ConversationReferenceStore } from './conversation-store';

/** What every Teams handler receives (no module singletons: tests pass their own). */
export interface TeamsDeps {
  service: AccessService;
  digests: DigestService;
  conversations: ConversationReferenceStore;
  clock: Clock;
  logger: Logger;
}
