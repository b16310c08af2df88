import { describe, expect, it } from 'vitest';
import { contentTypeOf, resolveRendererFile } from '../../../main/app/renderer-files.js';

const ROOT = '/opt/laps/dist/renderer';

describe('serving the built renderer', () => {
  it('maps / to index.html and paths to files under the renderer folder', () => {
    expect(resolveRendererFile(ROOT, '/')).toBe(`${ROOT}/index.html`);
    expect(resolveRendererFile(ROOT, '/assets/index-DLngea7a.js')).toBe(
      `${ROOT}/assets/index-DLngea7a.js`,
    );
  });

  it('never leaves the renderer folder', () => {
    for (const path of [
      '/../main.js',
      '/assets/../../app/main.js',
      '/%2e%2e/%2e%2e/package.json',
      '/..%2f..%2fpackage.json',
      '/assets/..%5c..%5cmain.js',
      '/index.html%00.js',
      '/%E0%A4%A',
    ])
      expect(resolveRendererFile(ROOT, path), path).toBeUndefined();
    // An absolute-looking path is still read under the folder.
    expect(resolveRendererFile(ROOT, '//etc/passwd.js')).toBe(`${ROOT}/etc/passwd.js`);
  });

  it('serves only the types the app is made of', () => {
    expect(resolveRendererFile(ROOT, '/assets/index.js.map')).toBeUndefined();
    expect(resolveRendererFile(ROOT, '/secrets.txt')).toBeUndefined();
    expect(contentTypeOf('x.css')).toBe('text/css; charset=utf-8');
  });
});
