import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';
import { compressAssets } from './compressAssets.js';
import { preloadMedia } from './preloadMedia.js';

const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // Single-file components (the staff console; the options API is not used, so it is left out).
  // Brotli and gzip copies of every text file, for the server to send (server/http/staticAssets.ts).
  plugins: [vue({ features: { optionsAPI: false } }), preloadMedia(), compressAssets()],
  // vue-i18n's compile-time flags: the Composition API only, no devtools hooks in the build.
  define: {
    __VUE_I18N_FULL_INSTALL__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2020',
    chunkSizeWarningLimit: 1024,
    // The join page, the staff console at /console and the public application page at /apply.
    rollupOptions: {
      input: {
        main: page('index.html'),
        console: page('console.html'),
        apply: page('apply.html'),
      },
    },
  },
  server: { proxy: { '/socket.io': { target: 'http://127.0.0.1:3000', ws: true } } },
});
