import type { AuditEventInput, ChatMessageRef, Platform, RequestView } from './index';

/** `lapsed`: the grant ended (or began ending) before anyone decided. */
export const EXTENSION_STATUSES = ['pending', 'approved', 'denied', 'lapsed'] as const;
export type ExtensionStatus = (typeof EXTENSION_STATUSES)[number];

/** One ask to make an active grant longer. */
export interface Extension {
  id: number;
  requestId: string;
  grantId: string;
  askedBy: string;
  askedByPlatform: Platform;
  /** `Person.key` of whoever asked. */
  askedByPerson: string;
  addMs: number;
  status: ExtensionStatus;
  decidedBy: string | null;
  decidedByPlatform: Platform | 'system' | null;
  newExpiresAt: Date | null;
  cards: ChatMessageRef[];
  createdAt: Date;
  decidedAt: Date | null;
}

export type NewExtension = Pick<
  Extension,
  'requestId' | 'grantId' | 'askedBy' | 'askedByPlatform' | 'askedByPerson' | 'addMs' | 'createdAt'
> &
  Partial<Pick<Extension, 'status' | 'decidedBy' | 'decidedByPlatform' | 'newExpiresAt' | 'decidedAt'>>;

/** Everything chat needs to render an extension: the ask and the request it belongs to. */
export interface ExtensionView {
  extension: Extension;
  request: RequestView;
}

export type ExtensionSettlement = Pick<Extension, 'status' | 'decidedBy' | 'decidedByPlatform' | 'newExpiresAt' | 'decidedAt'>;

/** The store's side of extensions (the Drizzle store implements it next to AccessStore). */
export interface ExtensionStore {
  /** Undefined when the grant already has a pending ask. */
  insertExtension(ext: NewExtension): Promise<Extension | undefined>;
  getExtension(id: number): Promise<Extension | undefined>;
  /** `UPDATE … WHERE id = ? AND status = 'pending'`; undefined when it was already settled. */
  settleExtension(id: number, settlement: ExtensionSettlement): Promise<Extension | undefined>;
  /** Settles the grant's pending asks as `lapsed` (the grant ended), audited in the same statement; returns them. */
  lapsePendingExtensions(grantId: string, lapsed: Pick<AuditEventInput, 'action' | 'actor'>, at: Date): Promise<Extension[]>;
  saveExtensionCards(id: number, cards: ChatMessageRef[]): Promise<void>;
  /**
   * Moves an active grant's expiry from `from` to `to`; undefined when the grant is no
   * longer active, is being revoked early, or its expiry moved meanwhile.
   */
  moveGrantExpiry(grantId: string, from: Date, to: Date, at: Date): Promise<boolean>;
}

/** What the requester (and whoever asked) is told about an extension. */
export type ExtensionNotice =
  | { kind: 'extension_pending' }
  | { kind: 'extended'; by: string | 'policy' }
  | { kind: 'extension_denied'; by: string }
  | { kind: 'extension_lapsed' };
