import { useEffect, useState } from 'preact/hooks';
import type { Chat, ChatState } from '../chat/chat.ts';

/** Re-renders the component whenever the chat's state changes. */
export function useChatState(chat: Chat): ChatState {
  const [state, setState] = useState(chat.get());
  useEffect(() => chat.subscribe(setState), [chat]);
  return state;
}
