import type { AccessService } from '../../access/service';
import type { DigestService } from '../../audit/digest/service';
import type { Logger } from '../../lib/logger';

/** What every Slack listener receives (no module singletons: tests pass their own). */
export interface SlackListenerDeps {
  service: AccessService;
  digests: DigestService;
  logger: Logger;
}
