// Reads the loader's settings from the data-* attributes of its own <script> tag.
import { DEFAULT_COLOUR, HEX_COLOUR } from '../shared/colour.ts';
import { BOT_ID_PATTERN } from '../../common/ids.ts';

export interface LoaderOptions {
  bot: string;
  /** Origin the loader was served from: the frame, API and realtime all live there. */
  parleyOrigin: string;
  locale: string;
  position: 'left' | 'right';
  colour: string;
  openOnStart: boolean;
}

const LANG = /^[a-z]{2,3}/;

/** Null (with a console warning) when the tag cannot work: no bot id or no usable src. */
export function readOptions(script: Pick<HTMLScriptElement, 'src' | 'dataset'>, pageLang: string): LoaderOptions | null {
  const d = script.dataset;
  const bot = d.bot ?? '';
  if (!BOT_ID_PATTERN.test(bot)) {
    console.warn('Parley: data-bot is missing or invalid');
    return null;
  }
  let parleyOrigin: string;
  try {
    parleyOrigin = new URL(script.src).origin;
  } catch {
    console.warn('Parley: the script src is no URL'); // the Parley origin is read from it
    return null;
  }
  const lang = (d.locale || pageLang || 'en').toLowerCase().match(LANG);
  const colour = d.colour ?? d.color ?? '';
  return {
    bot,
    parleyOrigin,
    locale: lang ? lang[0] : 'en',
    position: d.position === 'left' ? 'left' : 'right',
    colour: HEX_COLOUR.test(colour) ? colour : DEFAULT_COLOUR,
    openOnStart: d.open === '' || d.open === 'true',
  };
}
