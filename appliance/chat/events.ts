/**
 * Chat's domain events on the bus, each published after its state is stored. Reports count
 * first-response and handling times from these; `at` is when it happened (ISO UTC).
 */
declare module '../core/events.js' {
  interface DomainEvents {
    'chat.started': { conversationId: number; siteId: number; mode: 'live' | 'message'; contactId: number | null; at: string };
    'chat.accepted': { conversationId: number; siteId: number; operatorId: number; waitedMs: number; at: string };
    'chat.message': { conversationId: number; siteId: number; seq: number; author: 'visitor' | 'operator' | 'system' | 'note'; operatorId: number | null; at: string };
    'chat.transferred': { conversationId: number; siteId: number; fromOperatorId: number | null; toOperatorId: number | null; toTeamId: number | null; at: string };
    'chat.closed': { conversationId: number; siteId: number; operatorId: number | null; by: string; at: string };
  }
}

export {};
