import { useLayoutEffect, useState } from 'preact/hooks';
import type { Chat, ChatState } from '../chat/chat.ts';

/** Re-renders the component whenever the chat's state changes. */
export function useChatState(chat: Chat): ChatState {
  const [state, setState] = useState(chat.get());
  // A layout effect runs as soon as the first render is in the DOM; a plain effect waits for the
  // next animation frame (35 ms in a hidden frame, longer under load), and a session answering in
  // that window, as it does when the chat is opened while the frame still loads, showed its
  // greeting only then (issue 17). Whatever changed between render and subscription is read now.
  useLayoutEffect(() => {
    const unsubscribe = chat.subscribe(setState);
    setState(chat.get());
    return unsubscribe;
  }, [chat]);
  return state;
}
