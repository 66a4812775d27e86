import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { compressAssets } from './compressAssets.js';
import { preloadMedia } from './preloadMedia.js';

const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // Brotli and gzip copies of every text file, for the server to send (server/http/staticAssets.ts).
  plugins: [preloadMedia(), compressAssets()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2020',
    chunkSizeWarningLimit: 1024,
    // The join page, and the staff console served at /console.
    rollupOptions: { input: { main: page('index.html'), console: page('console.html') } },
  },
  server: { proxy: { '/socket.io': { target: 'http://127.0.0.1:3000', ws: true } } },
});
