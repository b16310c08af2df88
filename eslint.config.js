// Layering, as in STYLE.md: shared/ is `common`, main/core/ is `node`, main/app/ is
// `electron-main`, renderer/ is `browser`, preload/ the bridge between them. Each folder may
// import only what its row allows (test/unit/shared/layering.test.ts proves every row fires).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const electron = { name: 'electron', message: 'Only main/app and preload may import Electron.' };
const layer = (from, patterns) => ({
  files: [from],
  rules: {
    'no-restricted-imports': [
      'error',
      { paths: patterns.paths ?? [], patterns: patterns.groups ?? [] },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'test/artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs', 'bench/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // `parse<T>(text): T` is how a checked JSON read is typed; the rule wants it spelled otherwise.
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  layer('shared/**', {
    paths: [electron],
    groups: [
      { group: ['node:*'], message: 'shared/ runs in the renderer too: no Node built-ins.' },
      {
        group: ['**/main/**', '**/preload/**', '**/renderer/**'],
        message: 'shared/ imports nothing of ours.',
      },
    ],
  }),
  layer('main/core/**', {
    paths: [electron],
    groups: [
      {
        group: ['**/app/**', '**/cli/**', '**/preload/**', '**/renderer/**'],
        message: 'core/ is the bottom layer: it imports only shared/.',
      },
    ],
  }),
  layer('main/cli/**', {
    paths: [electron],
    groups: [
      {
        group: ['**/app/**', '**/preload/**', '**/renderer/**'],
        message: 'The CLI is a front over core/ only.',
      },
    ],
  }),
  layer('main/app/**', {
    groups: [
      {
        group: ['**/cli/**', '**/preload/**', '**/renderer/**'],
        message:
          'main/app imports core/, shared/ and Electron; preload and renderer are bundles of their own.',
      },
    ],
  }),
  {
    // What the test host takes from main/app must stay plain data: Electron types only.
    files: ['main/app/security-policy.ts', 'main/app/renderer-files.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              allowTypeImports: true,
              message: 'The test host imports this file: Electron types only, no Electron values.',
            },
          ],
        },
      ],
    },
  },
  layer('preload/**', {
    groups: [
      {
        regex: '^(?!electron$|(?:\\.\\./)+shared/)',
        message: 'preload/ runs sandboxed: it imports only electron and shared/.',
      },
    ],
  }),
  layer('test/fixtures/test-host/**', {
    paths: [
      {
        name: 'electron',
        message: 'The test host stands in for Electron: it must run without it.',
      },
    ],
    groups: [
      {
        regex: '/main/(?:app/(?!security-policy\\.js$|renderer-files\\.js$)|cli/)',
        message:
          'The test host binds core/ and shared/; from main/app only the Electron-free security-policy and renderer-files.',
      },
      {
        group: ['**/preload/**', '**/renderer/**'],
        message:
          'The test host serves the built renderer; it imports no renderer or preload source.',
      },
    ],
  }),
  layer('renderer/**', {
    paths: [electron],
    groups: [
      {
        group: ['node:*'],
        message: 'The renderer never touches Node: ask main through window.laps.',
      },
      {
        group: ['**/main/**', '**/preload/**'],
        message: 'The renderer reaches main only through the shared contract.',
      },
    ],
  }),
);
