export * from './access-requests';
export * from './approvals';
export * from './grants';
export * from './audit-events';
export * from './chat-messages';
export * from './sandbox-grants';
export * from './digests';
export * from './teams-conversations';
