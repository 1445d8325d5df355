// The shapes of the names both sides check, each written once: the loader and the session schema
// agree on what a bot id is, the realtime server and channel auth on what a channel name is.

/** A bot's id: the file name of `bots/<id>.json`, the loader's `data-bot`, the session's `bot`. */
export const BOT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Conversation ids are 22-char base64url (128 random bits, see server/chat/ids.ts). */
export const CONVERSATION_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/**
 * Any channel name Pusher's protocol allows: its documented charset and maximum length (164;
 * the `pusher` SDK lets up to 200 through, and Pusher Channels then refuses them). The embedded
 * server accepts every such name; the one channel a Parley conversation uses is
 * `conversationChannel(id)` in wire.ts, and channel auth signs nothing else.
 */
export const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9_\-=@,.;]{1,164}$/;
