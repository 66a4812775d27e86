/**
 * A build step: writes `<file>.br` (Brotli, best) and `<file>.gz` (gzip, best)
 * next to every emitted text file the server may send compressed, so it never
 * compresses at request time (server/http/staticAssets.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const TEXT = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt']);
// Every file, however small: shared chunks of a few hundred bytes are on pages' first screens
// too (the README promises every text file compressed; Brotli still saves a third of them).
const MIN_BYTES = 0;

export function compressAssets(): Plugin {
  let outDir = '';
  return {
    name: 'mediation:compress-assets',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    writeBundle(_options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!TEXT.has(path.extname(fileName))) continue;
        const file = path.join(outDir, fileName);
        const body = readFileSync(file);
        if (body.length < MIN_BYTES) continue;
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(body, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
            },
          }),
        );
        writeFileSync(`${file}.gz`, gzipSync(body, { level: constants.Z_BEST_COMPRESSION }));
      }
    },
  };
}
