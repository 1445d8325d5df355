// The browser half of `npm run build` (scripts/build.mjs): the loader as one IIFE file
// (dist/widget.js), the chat frame as dist/frame.html plus hashed assets (dist/assets/), and the
// operator console as dist/console/console.html plus hashed assets (dist/console/assets/). No inline script or style
// anywhere: both pages' CSP is script-src 'self' / style-src 'self' and host pages may be just as strict.
import { fileURLToPath } from 'node:url';
import { build, type InlineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = fileURLToPath(new URL('../dist', import.meta.url));

const common: InlineConfig = {
  configFile: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
};

interface Page {
  /** Folder of the page's sources; its HTML entry is `${dir}/${html}`. */
  dir: string;
  html: string;
  /** URL path the page and its assets are served under. */
  base: string;
  outDir: string;
}

/** A page: an HTML entry, hashed JS and CSS in assets/, nothing inlined, no preload polyfill. */
function pageConfig(page: Page): InlineConfig {
  const root = fileURLToPath(new URL(page.dir, import.meta.url));
  return {
    ...common,
    root,
    base: page.base,
    build: {
      outDir: page.outDir,
      emptyOutDir: true,
      assetsDir: 'assets',
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      cssCodeSplit: false,
      target: 'es2020',
      rollupOptions: { input: `${root}/${page.html}` },
    },
  };
}

/**
 * A `modulepreload` in the page for the chunk of a module its entry imports dynamically: the chat
 * frame's small first script imports the UI (frame/ui/mount.tsx) at once, and the preload starts
 * that fetch beside the first script's own rather than after it has run (issue 17).
 */
function preloadDynamicChunk(moduleSuffix: string): Plugin {
  return {
    name: 'parley-preload-dynamic-chunk',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && !!c.facadeModuleId?.endsWith(moduleSuffix));
        if (!chunk) throw new Error(`no chunk for ${moduleSuffix} to preload`);
        return [{ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${chunk.fileName}` }, injectTo: 'head' }];
      },
    },
  };
}

/** The chat frame. Built first: it empties dist/. */
const frameConfig: InlineConfig = {
  ...pageConfig({ dir: './frame', html: 'frame.html', base: '/', outDir }),
  plugins: [preloadDynamicChunk('/frame/ui/mount.tsx')],
};

/** The operator console (console/), served at /console/. */
const consoleConfig = pageConfig({ dir: '../console', html: 'console.html', base: '/console/', outDir: `${outDir}/console` });

/** The loader: one self-contained IIFE, no chunks, no imports at run time. */
const loaderConfig: InlineConfig = {
  ...common,
  root,
  publicDir: false,
  build: {
    outDir,
    emptyOutDir: false,
    target: 'es2020',
    lib: { entry: fileURLToPath(new URL('./loader/main.ts', import.meta.url)), formats: ['iife'], name: 'ParleyLoader', fileName: () => 'widget.js' },
  },
};

async function main(): Promise<void> {
  await build(frameConfig);
  await build(loaderConfig);
  await build(consoleConfig);
  console.warn(`Parley widget and console built into ${outDir}`);
}

/**
 * `--watch` (npm run dev): the same builds, then each page rebuilt when its sources change. Only
 * the first build empties dist/: Vite empties a page's outDir again on every rebuild, and the
 * frame's outDir holds the loader's and the console's output too.
 */
async function watch(): Promise<void> {
  await main();
  for (const config of [frameConfig, loaderConfig, consoleConfig]) {
    await build({ ...config, build: { ...config.build, emptyOutDir: false, watch: {} } });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  (process.argv.includes('--watch') ? watch() : main()).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
