import { useEffect, useState } from 'preact/hooks';
import type { Chat, ChatState } from '../chat/chat.ts';

/** Re-renders the component whenever the chat's state changes. */
export function useChatState(chat: Chat): ChatState {
  const [state, setState] = useState(chat.get());
  useEffect(() => {
    const unsubscribe = chat.subscribe(setState);
    // The effect runs after the first render, a frame (or, hidden, 35 ms) later: whatever changed in
    // between (a resumed session, ready and connected already) was told to no one, so read it now.
    setState(chat.get());
    return unsubscribe;
  }, [chat]);
  return state;
}
