import type { Strings } from './en.ts';

export const es: Strings = {
  title: 'Chat',
  close: 'Cerrar chat',
  log: 'Conversación',
  messageLabel: 'Tu mensaje',
  placeholder: 'Escribe un mensaje…',
  send: 'Enviar',
  sending: 'Enviando…',
  failed: 'No enviado.',
  retry: 'Reintentar',
  typing: 'El asistente está escribiendo…',
  connecting: 'Conectando…',
  reconnecting: 'Conexión perdida. Reconectando…',
  unavailable: 'El chat no está disponible en este momento.',
  you: 'Tú',
  bot: 'Asistente',
  system: 'Aviso',
  quickReplies: 'Respuestas sugeridas',
  newTab: '(se abre en una pestaña nueva)',
  tooLong: 'El mensaje es demasiado largo.',
};
