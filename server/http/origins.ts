// The origins that may embed a bot's chat: the bot's own list plus the Parley server's origin,
// which hosts only our demo page. One list drives the API check and the frame's frame-ancestors.
import { isOriginAllowed } from '../bot/origins.ts';

export function allowedOrigins(profileOrigins: string[], ownOrigin: string): string[] {
  return profileOrigins.includes(ownOrigin) ? profileOrigins : [ownOrigin, ...profileOrigins];
}

export function originAllowed(origin: string, profileOrigins: string[], ownOrigin: string): boolean {
  return isOriginAllowed(allowedOrigins(profileOrigins, ownOrigin), origin);
}
