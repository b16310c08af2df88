// The packaging config, checked offline: electron-builder's own schema validation (the same
// check `electron-builder` runs before building), then the choices the issue asks for.
import { readFileSync } from 'node:fs';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import type { Configuration } from 'app-builder-lib';
import type { DebugLogger } from 'builder-util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const config = parse(readFileSync('electron-builder.yml', 'utf8')) as Configuration;
const quietLogger = { isEnabled: false, add: () => undefined } as unknown as DebugLogger;

function targets(platform: 'win' | 'mac' | 'linux'): string[] {
  const options = config[platform] as { target?: unknown } | null | undefined;
  return (options?.target as string[] | undefined) ?? [];
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema check', async () => {
    await expect(validateConfiguration(config, quietLogger)).resolves.toBeUndefined();
  });

  it('is a check that does fail on a misspelt option', async () => {
    const broken = { ...config, electronFuses: { ...config.electronFuses, runAsNod: false } };
    await expect(validateConfiguration(broken as Configuration, quietLogger)).rejects.toThrow(
      /configuration object that does not match the API schema/,
    );
  });

  it('names the app and packs it for Windows, macOS and Linux', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/);
    expect(config.productName).toBe('LAPS Console');
    expect(targets('win')).toEqual(['nsis', 'msi']);
    expect(targets('mac')).toEqual(['dmg']);
    expect(targets('linux')).toEqual(['AppImage', 'deb']);
    expect(config.npmRebuild).toBe(false);
  });

  it('sets the Electron fuses that close the back doors', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it('has its icons in assets/', () => {
    for (const platform of ['win', 'mac', 'linux'] as const) {
      const icon = (config[platform] as { icon?: string }).icon ?? '';
      expect(icon).toMatch(/^assets\//);
      expect(() => readFileSync(icon)).not.toThrow();
    }
  });

  it('packs the built app and no source maps', () => {
    expect(config.files).toEqual(
      expect.arrayContaining([
        'package.json',
        'dist/app/**',
        'dist/preload/**',
        'dist/renderer/**',
        '!**/*.map',
      ]),
    );
  });
});
