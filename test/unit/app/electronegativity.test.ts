// Doyensec's Electronegativity, a static checker of Electron configuration, run over main/app
// and the built page's CSP: no HIGH finding is allowed, and every other finding must be one
// documented below, with the reason it does not apply.
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { META_CONTENT_SECURITY_POLICY } from '../../../main/app/security-policy.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CHECKER = join(ROOT, 'node_modules', '.bin', 'electronegativity');

interface Finding {
  readonly check: string;
  readonly severity: string;
  readonly confidence: string;
  readonly file: string;
}

/** Findings that are not problems here, each with why. Keyed by check and file name. */
const NOT_APPLICABLE: Readonly<Record<string, string>> = {
  // Google's CSP Evaluator (which Electronegativity runs) warns that script-src 'self' is
  // unsafe when the origin also serves JSONP endpoints, Angular templates or user uploads. Our
  // origin, laps-console://app, serves only the files of our own build (resolveRendererFile),
  // none of them user-controlled or a script gadget; there is no remote origin to allow.
  'CSP_GLOBAL_CHECK LOW index.html':
    "script-src 'self' is flagged as generic advice; the app origin serves only our build",
  // shell.openExternal with a variable: the Entra sign-in and consent pages MSAL builds. Main
  // opens only https pages on the configured authority's host (entra-handlers refuses any other,
  // and systemBrowser any non-https URL); the renderer never supplies a URL.
  'OPEN_EXTERNAL_JS_CHECK MEDIUM electron-ports.ts':
    'only https sign-in pages of the configured Entra authority, never a URL from the page',
};

async function scan(): Promise<Finding[]> {
  const staging = await mkdtemp(join(tmpdir(), 'laps-electronegativity-'));
  try {
    // The Electron code as written (TypeScript), and the page as built: the placeholder in
    // renderer/index.html replaced by the meta CSP, as vite.renderer.config.ts does.
    for (const name of await readdir(join(ROOT, 'main', 'app')))
      if (name.endsWith('.ts'))
        await copyFile(join(ROOT, 'main', 'app', name), join(staging, name));
    const page = await readFile(join(ROOT, 'renderer', 'index.html'), 'utf8');
    await writeFile(
      join(staging, 'index.html'),
      page.replace('%LAPS_META_CSP%', META_CONTENT_SECURITY_POLICY),
    );
    const electron = JSON.parse(
      await readFile(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8'),
    ) as { version: string };
    const report = join(staging, 'report.csv');
    // It looks for newer Electron releases and translations online; offline it says so and goes on.
    await promisify(execFile)(
      CHECKER,
      ['-i', staging, '-e', electron.version, '-o', report, '-v', 'false'],
      { timeout: 120_000 },
    );
    return parseReport(await readFile(report, 'utf8'));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * The checker can exit before its report is flushed when the machine is busy, leaving a line cut
 * short; a cut report is scanned once more rather than read loosely, which could hide a finding.
 */
async function scanOnceMore(): Promise<Finding[]> {
  try {
    return await scan();
  } catch (error) {
    if (!(error instanceof UnreadableReportError)) throw error;
    return scan();
  }
}

class UnreadableReportError extends Error {}

function parseReport(csv: string): Finding[] {
  return csv
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const match = /^([A-Z0-9_]+),"(\w+)","(\w+)","([^"]*)"/.exec(line);
      if (!match) throw new UnreadableReportError(`unreadable Electronegativity line: ${line}`);
      const [, check = '', severity = '', confidence = '', path = ''] = match;
      return { check, severity, confidence, file: path.split('/').pop() ?? path };
    });
}

describe('Electronegativity over main/app and the page', () => {
  it('finds nothing HIGH, and nothing that is not documented as not applying', async () => {
    const findings = await scanOnceMore();
    expect(findings.filter((finding) => finding.severity === 'HIGH')).toEqual([]);
    const unexplained = findings.filter(
      (finding) =>
        NOT_APPLICABLE[`${finding.check} ${finding.severity} ${finding.file}`] === undefined,
    );
    expect(unexplained).toEqual([]);
  }, 180_000);

  it('reads a report line the way the checker writes it', () => {
    expect(
      parseReport(
        'issue, severity, confidence, filename, location, sample, description, url\n' +
          'CONTEXT_ISOLATION_JS_CHECK,"HIGH","FIRM","/x/main.ts","114:17","new BrowserWindow({","Review",https://example\n',
      ),
    ).toEqual([
      {
        check: 'CONTEXT_ISOLATION_JS_CHECK',
        severity: 'HIGH',
        confidence: 'FIRM',
        file: 'main.ts',
      },
    ]);
  });
});
