// Unguessable ids: 128 random bits, base64url (22 characters), matching common/ids.ts CONVERSATION_ID_PATTERN.
import { randomBytes } from 'node:crypto';

export const newId = (): string => randomBytes(16).toString('base64url');
