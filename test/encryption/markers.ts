// Unique, unguessable words to plant in messages and then look for in everything a relay handled.
import { randomBytes } from 'node:crypto';

export function marker(label: string): string {
  return `${label}${randomBytes(6).toString('hex')}`;
}

/** The markers that occur in any of `haystacks` (an empty list is what a passing test expects). */
export function leakedMarkers(markers: string[], haystacks: string[]): string[] {
  return markers.filter((word) => haystacks.some((text) => text.includes(word)));
}
