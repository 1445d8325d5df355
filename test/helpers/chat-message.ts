// A stored message for the browser clients' unit tests: a bot's, unless the patch says otherwise.
import type { ChatMessage } from '../../common/wire.ts';

export const chatMessage = (id: number, patch: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  conversationId: 'c'.repeat(22),
  clientId: null,
  sender: 'bot',
  text: `m${id}`,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...patch,
});
