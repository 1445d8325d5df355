// The report charts' colours: blue, amber, green, red, violet, each 4.5:1 or more against the
// white card, so a line or bar reads as well as text would.
export const COLOURS = ['#1d4ed8', '#b45309', '#047857', '#b91c1c', '#6d28d9'] as const;
