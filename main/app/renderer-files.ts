// Which file of the built renderer a request names, with no way out of its folder.
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

/**
 * The file under `root` that a URL path names ("/" is index.html), or undefined when the path
 * leaves `root`, holds a NUL or an encoded separator, or names a type we do not serve.
 */
export function resolveRendererFile(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\') || /%2f|%5c/i.test(urlPath)) return undefined;
  if (path === '/' || path === '') path = '/index.html';
  const file = resolve(root, `.${path}`);
  const inside = relative(resolve(root), file);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside))
    return undefined;
  return contentTypeOf(file) === undefined ? undefined : file;
}

export function contentTypeOf(file: string): string | undefined {
  return CONTENT_TYPES[extname(file).toLowerCase()];
}
