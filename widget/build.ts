// `npm run build`: the loader as one IIFE file (dist/widget.js) and the chat frame as
// dist/frame.html plus hashed assets (dist/assets/). No inline script or style anywhere: the
// frame's CSP is script-src 'self' / style-src 'self' and host pages may be just as strict.
import { fileURLToPath } from 'node:url';
import { build, type InlineConfig } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = fileURLToPath(new URL('../dist', import.meta.url));

const common: InlineConfig = {
  configFile: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
};

/** The chat frame: an HTML entry, hashed JS and CSS, nothing inlined. */
const frameConfig: InlineConfig = {
  ...common,
  root: fileURLToPath(new URL('./frame', import.meta.url)),
  base: '/',
  build: {
    outDir,
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    cssCodeSplit: false,
    target: 'es2020',
    rollupOptions: { input: fileURLToPath(new URL('./frame/frame.html', import.meta.url)) },
  },
};

/** The loader: one self-contained IIFE, no chunks, no imports at run time. */
const loaderConfig: InlineConfig = {
  ...common,
  root,
  publicDir: false,
  build: {
    outDir,
    emptyOutDir: false,
    target: 'es2019',
    lib: { entry: fileURLToPath(new URL('./loader/main.ts', import.meta.url)), formats: ['iife'], name: 'ParleyLoader', fileName: () => 'widget.js' },
  },
};

async function main(): Promise<void> {
  await build(frameConfig);
  await build(loaderConfig);
  console.warn(`Parley widget built into ${outDir}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
