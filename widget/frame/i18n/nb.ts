import type { Strings } from './en.ts';

export const nb: Strings = {
  title: 'Chat',
  close: 'Lukk chat',
  log: 'Samtale',
  messageLabel: 'Din melding',
  placeholder: 'Skriv en melding …',
  send: 'Send',
  sending: 'Sender …',
  failed: 'Ikke sendt.',
  retry: 'Prøv igjen',
  typing: 'Assistenten skriver …',
  connecting: 'Kobler til …',
  reconnecting: 'Forbindelsen ble brutt. Kobler til igjen …',
  unavailable: 'Chatten er ikke tilgjengelig akkurat nå.',
  you: 'Du',
  bot: 'Assistent',
  system: 'Melding',
  quickReplies: 'Foreslåtte svar',
  newTab: '(åpnes i ny fane)',
  tooLong: 'Meldingen er for lang.',
};
