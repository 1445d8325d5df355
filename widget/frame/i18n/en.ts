// English strings; the other locale files must provide every key (the type enforces it).
export const en = {
  title: 'Chat',
  close: 'Close chat',
  log: 'Conversation',
  messageLabel: 'Your message',
  placeholder: 'Write a message…',
  send: 'Send',
  sending: 'Sending…',
  failed: 'Not sent.',
  retry: 'Retry',
  typing: 'The assistant is typing…',
  connecting: 'Connecting…',
  reconnecting: 'Connection lost. Reconnecting…',
  unavailable: 'The chat is not available right now.',
  you: 'You',
  bot: 'Assistant',
  system: 'Notice',
  quickReplies: 'Suggested replies',
  newTab: '(opens in a new tab)',
  tooLong: 'The message is too long.',
};

export type Strings = typeof en;
