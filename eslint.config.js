// Layering, as in STYLE.md: shared/ is `common`, main/core/ is `node`, main/app/ is
// `electron-main`, renderer/ is `browser`. Each folder may import only what its row allows.
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
