// The layering rows of eslint.config.js (STYLE.md section 1), run on import lines as strings:
// every row must refuse what it forbids and let through what it allows. Nothing here is a file
// under the linted tree, so `npm run lint` stays green.
import { Linter } from 'eslint';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const RULES = ['no-restricted-imports', '@typescript-eslint/no-restricted-imports'];

let rows: Linter.Config[];
const linter = new Linter({ cwd: ROOT, configType: 'flat' });

beforeAll(async () => {
  const url = pathToFileURL(join(ROOT, 'eslint.config.js')).href;
  const { default: config } = (await import(url)) as { default: Linter.Config[] };
  // Only the rows that restrict imports, each with its own `files`: the rest needs type info.
  rows = config.filter(
    (entry) => entry.files !== undefined && RULES.some((rule) => entry.rules?.[rule] !== undefined),
  );
});

/** The layering messages for one import line in a file at `path` (relative to the repo). */
function lint(path: string, code: string): string[] {
  const config: Linter.Config[] = [
    {
      files: ['**/*.ts', '**/*.tsx'],
      languageOptions: { parser: tseslint.parser, sourceType: 'module' },
      plugins: { '@typescript-eslint': tseslint.plugin },
    },
    ...rows,
  ];
  return linter
    .verify(code, config, { filename: join(ROOT, path) })
    .map((message) => `${message.ruleId ?? 'fatal'}: ${message.message}`);
}

const cases: readonly (readonly [string, string, 'refused' | 'allowed'])[] = [
  // preload/: electron and shared/ only.
  ['preload/index.ts', "import { contextBridge } from 'electron';", 'allowed'],
  ['preload/index.ts', "import { buildLapsApi } from '../shared/ipc/api.js';", 'allowed'],
  ['preload/index.ts', "import { dispatch } from '../main/core/console/dispatch.js';", 'refused'],
  ['preload/index.ts', "import { readFile } from 'node:fs/promises';", 'refused'],
  ['preload/index.ts', "import { z } from 'zod';", 'refused'],
  ['preload/index.ts', "import { App } from '../renderer/src/App.js';", 'refused'],
  ['preload/index.ts', "import 'electron/main';", 'refused'],
  // main/app/: core, shared, Electron; never the CLI, preload or renderer source.
  ['main/app/main.ts', "import { app } from 'electron';", 'allowed'],
  ['main/app/main.ts', "import { dispatch } from '../core/console/dispatch.js';", 'allowed'],
  ['main/app/main.ts', "import { fail } from '../../shared/ipc/result.js';", 'allowed'],
  ['main/app/main.ts', "import { run } from '../cli/run.js';", 'refused'],
  ['main/app/main.ts', "import '../../preload/index.js';", 'refused'],
  ['main/app/main.ts', "import { App } from '../../renderer/src/App.js';", 'refused'],
  // The plain-data files the test host shares with main/app: Electron types only.
  ['main/app/security-policy.ts', "import type { WebPreferences } from 'electron';", 'allowed'],
  ['main/app/security-policy.ts', "import { session } from 'electron';", 'refused'],
  ['main/app/renderer-files.ts', "import { app } from 'electron';", 'refused'],
  // The test host: core and shared, main/app's plain-data files, never Electron.
  ['test/fixtures/test-host/host.ts', "import { app } from 'electron';", 'refused'],
  ['test/fixtures/test-host/host.ts', "import type { Session } from 'electron';", 'refused'],
  [
    'test/fixtures/test-host/host.ts',
    "import { dispatch } from '../../../main/core/console/dispatch.js';",
    'allowed',
  ],
  [
    'test/fixtures/test-host/host.ts',
    "import { fail } from '../../../shared/ipc/result.js';",
    'allowed',
  ],
  [
    'test/fixtures/test-host/host.ts',
    "import { RESPONSE_SECURITY_HEADERS } from '../../../main/app/security-policy.js';",
    'allowed',
  ],
  [
    'test/fixtures/test-host/host.ts',
    "import { resolveRendererFile } from '../../../main/app/renderer-files.js';",
    'allowed',
  ],
  [
    'test/fixtures/test-host/host.ts',
    "import { bindContract } from '../../../main/app/ipc.js';",
    'refused',
  ],
  ['test/fixtures/test-host/host.ts', "import '../../../main/app/main.js';", 'refused'],
  ['test/fixtures/test-host/host.ts', "import { run } from '../../../main/cli/run.js';", 'refused'],
  ['test/fixtures/test-host/host.ts', "import '../../../preload/index.js';", 'refused'],
  // The rows that were there before.
  ['shared/ipc/x.ts', "import { app } from 'electron';", 'refused'],
  ['shared/ipc/x.ts', "import { readFile } from 'node:fs';", 'refused'],
  ['shared/ipc/x.ts', "import { dispatch } from '../../main/core/console/dispatch.js';", 'refused'],
  ['shared/ipc/x.ts', "import { z } from 'zod';", 'allowed'],
  ['main/core/console/x.ts', "import { app } from 'electron';", 'refused'],
  ['main/core/console/x.ts', "import { bindContract } from '../../app/ipc.js';", 'refused'],
  [
    'main/core/console/x.ts',
    "import { CHANNELS } from '../../../shared/ipc/channels.js';",
    'allowed',
  ],
  ['main/cli/x.ts', "import { bindContract } from '../app/ipc.js';", 'refused'],
  ['main/cli/x.ts', "import { app } from 'electron';", 'refused'],
  ['renderer/src/x.tsx', "import { ipcRenderer } from 'electron';", 'refused'],
  ['renderer/src/x.tsx', "import { join } from 'node:path';", 'refused'],
  [
    'renderer/src/x.tsx',
    "import { dispatch } from '../../main/core/console/dispatch.js';",
    'refused',
  ],
  ['renderer/src/x.tsx', "import { CHANNELS } from '../../shared/ipc/channels.js';", 'allowed'],
];

describe('the layering rows of eslint.config.js', () => {
  it.each(cases)('in %s, %s is %s', (path, code, expected) => {
    const messages = lint(path, code);
    if (expected === 'allowed') expect(messages).toEqual([]);
    else {
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/^(@typescript-eslint\/)?no-restricted-imports: /);
    }
  });
});
