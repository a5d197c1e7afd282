import type { AddressInfo } from 'node:net';
import WebSocket, { Server as WebSocketServer } from 'ws';

/**
 * Slack's Socket Mode end of the WebSocket, as Slack documents it: a `hello` on connect,
 * envelopes (`slash_commands`, `interactive`, `events_api`) sent to the app, and the app's
 * acknowledgements (`{ envelope_id }`) read back.
 */
export class FakeSocketMode {
  private server?: WebSocketServer;
  readonly acks: Array<{ envelope_id: string; payload?: unknown }> = [];
  private sockets = new Set<WebSocket>();

  async start(): Promise<string> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => this.server!.once('listening', () => resolve()));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('message', (data) => this.acks.push(JSON.parse(String(data)) as { envelope_id: string }));
      socket.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'fake', approximate_connection_time: 3600 },
          connection_info: { app_id: 'A0JITBOT' },
        }),
      );
    });
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link`;
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Sends an envelope to every connected app. */
  send(envelope: { envelope_id: string; type: string; payload: unknown; accepts_response_payload?: boolean }): void {
    for (const socket of this.sockets) socket.send(JSON.stringify(envelope));
  }

  /** Drops every connection, as Slack does when it refreshes them or goes away. */
  dropAll(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
