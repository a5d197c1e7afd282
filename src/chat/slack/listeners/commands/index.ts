import type { App } from '@slack/bolt';
import type { SlackListenerDeps } from '../../deps';
import { jitCommand } from './jit';

export function registerCommands(app: App, deps: SlackListenerDeps): void {
  app.command('/jit', jitCommand(deps));
}
