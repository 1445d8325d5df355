// Tiny DOM helpers for the loader. Styles go through the CSSOM (el.style), never through markup,
// so the loader needs no 'unsafe-inline' and creates nothing a Trusted Types policy would block.

type Style = Partial<Record<keyof CSSStyleDeclaration, string>>;

export function css(el: HTMLElement | SVGElement, style: Style): void {
  Object.assign(el.style, style);
}

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, style: Style = {}): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  css(el, style);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

/** A decorative 24×24 icon from one path. */
export function icon(path: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '28');
  svg.setAttribute('height', '28');
  svg.setAttribute('aria-hidden', 'true');
  const p = document.createElementNS(SVG, 'path');
  p.setAttribute('d', path);
  p.setAttribute('fill', 'currentColor');
  svg.appendChild(p);
  return svg;
}
