// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';

/**
 * @typedef {{ paths?: { name: string, message: string }[], patterns?: { regex: string, message: string }[] }} Boundary
 */

/** @type {Boundary} The database drivers (SQLite, PostgreSQL). */
const SQLITE = {
  paths: [
    {
      name: 'better-sqlite3',
      message: 'The SQLite driver only in server/db/: use a repository interface.',
    },
    {
      name: 'pg',
      message: 'The PostgreSQL driver only in server/db/: use a repository interface.',
    },
  ],
};
/** @type {Boundary} SQLite and the repositories' implementations. */
const DATABASE = {
  paths: SQLITE.paths,
  patterns: [
    {
      regex: '(^|/)db/',
      message:
        'server/db/ only in server/db/ and the composition root: depend on the repository interface declared next to the domain.',
    },
  ],
};
/** @type {Boundary} The SFU (the browser's mediasoup-client is not this). */
const MEDIASOUP = {
  paths: [
    { name: 'mediasoup', message: 'mediasoup only in server/media/ and server/recordingService/.' },
  ],
  patterns: [
    {
      regex: '^mediasoup/',
      message: 'mediasoup only in server/media/ and server/recordingService/.',
    },
  ],
};
/** @type {Boundary} The HTTP and Socket.IO servers (the browser's socket.io-client is not this). */
const WEB = {
  paths: [
    { name: 'express', message: 'Express only in server/http/ (and the composition root).' },
    {
      name: 'socket.io',
      message: 'Socket.IO only in server/socket/ (and the composition root).',
    },
  ],
  patterns: [
    { regex: '^express/', message: 'Express only in server/http/ (and the composition root).' },
    {
      regex: '^socket\\.io/',
      message: 'Socket.IO only in server/socket/ (and the composition root).',
    },
  ],
};
/** @type {Boundary} The object store's SDK (storage/S3BlobStore.ts behind the BlobStore port). */
const OBJECT_STORE = {
  patterns: [
    {
      regex: '^@aws-sdk/',
      message: 'The S3 SDK only in server/storage/: use the BlobStore port.',
    },
  ],
};
/** @type {Boundary} Redis and the Socket.IO Redis adapter (server/cluster/ behind its own ports). */
const SHARED_STATE = {
  paths: [
    { name: 'ioredis', message: 'Redis only in server/cluster/: use its ports.' },
    {
      name: '@socket.io/redis-adapter',
      message: 'The Redis adapter only in server/cluster/: use its ports.',
    },
  ],
};
/** @type {Boundary} The server's code, for what runs in the browser or is shared with it. */
const SERVER = {
  patterns: [
    {
      regex: '(^|/)server/',
      message: 'Never import server/ here: share types through signaling/.',
    },
  ],
};

/** @param {Boundary[]} kept */
function boundaries(...kept) {
  return [
    'error',
    {
      paths: kept.flatMap((b) => b.paths ?? []),
      patterns: kept.flatMap((b) => b.patterns ?? []),
    },
  ];
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'client/dist/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // The console's single-file components: vue-eslint-parser for the template, typescript-eslint's
  // parser for <script lang="ts">.
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['client/**/*.vue'],
    languageOptions: {
      parserOptions: {
        parser: tseslint.parser,
        extraFileExtensions: ['.vue'],
        sourceType: 'module',
      },
    },
    // Prettier lays the templates out: the plugin's layout rules would only fight it.
    // vue-tsc checks the names in use (as typescript-eslint has no-undef off for .ts files).
    rules: {
      ...Object.fromEntries(
        Object.entries(pluginVue.rules)
          .filter(([, rule]) => rule.meta?.type === 'layout')
          .map(([name]) => [`vue/${name}`, 'off']),
      ),
      'no-undef': 'off',
    },
  },
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The server logs through pino only.
    files: ['server/**/*.ts', 'signaling/**/*.ts', 'recordings/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  // Import boundaries (tests/unit/import-boundaries.test.ts plants a violation of each).
  // A later block replaces an earlier one's options for the same file, so each folder
  // lists every boundary it keeps.
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': boundaries(DATABASE, MEDIASOUP, WEB, OBJECT_STORE, SHARED_STATE),
    },
  },
  {
    files: ['server/db/**/*.ts'],
    rules: { 'no-restricted-imports': boundaries(MEDIASOUP, WEB, OBJECT_STORE, SHARED_STATE) },
  },
  {
    files: ['server/cluster/**/*.ts'],
    rules: { 'no-restricted-imports': boundaries(DATABASE, MEDIASOUP, WEB, OBJECT_STORE) },
  },
  {
    files: ['server/storage/**/*.ts'],
    rules: { 'no-restricted-imports': boundaries(DATABASE, MEDIASOUP, WEB, SHARED_STATE) },
  },
  {
    files: ['server/media/**/*.ts', 'server/recordingService/**/*.ts'],
    rules: { 'no-restricted-imports': boundaries(DATABASE, WEB, OBJECT_STORE, SHARED_STATE) },
  },
  {
    files: ['server/http/**/*.ts', 'server/socket/**/*.ts'],
    rules: { 'no-restricted-imports': boundaries(DATABASE, MEDIASOUP, OBJECT_STORE, SHARED_STATE) },
  },
  {
    // The composition root (MediationServer.ts and its parts in server/compose/) wires the
    // SQLite repositories and the Socket.IO server.
    files: ['server/MediationServer.ts', 'server/compose/**/*.ts'],
    rules: { 'no-restricted-imports': boundaries(SQLITE, MEDIASOUP, OBJECT_STORE, SHARED_STATE) },
  },
  {
    // The CLI tools are composition roots of their own: they open the database through
    // server/db/ (seed-demo, calendar-year; verify-audit read-only, so it never migrates).
    files: ['server/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': boundaries(SQLITE, MEDIASOUP, WEB, OBJECT_STORE, SHARED_STATE),
    },
  },
  {
    // The recording pipeline (FFmpeg, manifests) and the contract shared with the client.
    files: ['recordings/**/*.ts', 'signaling/**/*.ts'],
    rules: {
      'no-restricted-imports': boundaries(
        SERVER,
        DATABASE,
        MEDIASOUP,
        WEB,
        OBJECT_STORE,
        SHARED_STATE,
      ),
    },
  },
  {
    files: ['client/**/*.ts', 'client/**/*.vue'],
    rules: {
      'no-restricted-imports': boundaries(
        SERVER,
        DATABASE,
        MEDIASOUP,
        WEB,
        OBJECT_STORE,
        SHARED_STATE,
      ),
    },
  },
  {
    // The party page names its routes through client/src/shared/request.ts, which builds the
    // URL from the contract's path template (tests/unit/import-boundaries.test.ts plants one).
    // The console has its own API layer; main.ts's public capabilities fetch is the lead's.
    files: ['client/src/**/*.ts'],
    ignores: ['client/src/console/**', 'client/src/call/main.ts', 'client/src/shared/request.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['Literal[value=/^\\/api(\\/|$)/]', 'TemplateElement[value.raw=/^\\/api(\\/|$)/]'].map(
          (selector) => ({
            selector,
            message:
              'No hand-built API URLs on the party page: name the route through shared/request.ts (requests, apiUrl).',
          }),
        ),
      ],
    },
  },
);
