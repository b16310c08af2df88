// `npm start`: build, then run the console in Electron. The electron package fetches its binary
// lazily from the network; where there is none (these machines), say so and how to point at one.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const packageDir = join(import.meta.dirname, '..', 'node_modules', 'electron');

function electronBinary() {
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override)
    return join(override, relative ?? (process.platform === 'win32' ? 'electron.exe' : 'electron'));
  return relative ? join(packageDir, 'dist', relative) : undefined;
}

const binary = electronBinary();
if (!binary || !existsSync(binary)) {
  process.stderr.write(
    `There is no Electron binary on this machine${binary ? ` (looked for ${binary})` : ''}: the electron package downloads it on first use, which needs the network. ` +
      'Run `node node_modules/electron/install.js` on a connected machine, or set ELECTRON_OVERRIDE_DIST_PATH to the folder of an unpacked Electron ' +
      '(the one holding the electron executable), then `npm start` again. Meanwhile `npm run test-host` shows the console in a browser.\n',
  );
  process.exit(1);
}
const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
