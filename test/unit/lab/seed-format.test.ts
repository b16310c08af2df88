import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEED_FORMAT } from '../../../scripts/lab/seed-plan.js';

const UP_SH = join(import.meta.dirname, '../../../scripts/lab/up.sh');

/** Runs up.sh's ensure_seed against a lab directory, with seed.sh replaced by a marker. */
function ensureSeed(labDir: string): string {
  const script = `set -euo pipefail
source "$1"
bash() { echo "SEEDED $*"; }
ensure_seed 2>&1`;
  return execFileSync('bash', ['-c', script, 'test', UP_SH], {
    env: { ...process.env, LAPS_LAB_DIR: labDir },
    encoding: 'utf8',
  });
}

describe('lab:up reseeds a seed of an older format', () => {
  let labDir: string;
  beforeEach(() => {
    labDir = mkdtempSync(join(tmpdir(), 'laps-lab-seed-format-'));
  });
  afterEach(() => rmSync(labDir, { recursive: true, force: true }));

  const withExpected = (text: string): string => {
    writeFileSync(join(labDir, 'expected.json'), text);
    return ensureSeed(labDir);
  };

  it('up.sh reads the SEED_FORMAT the seed writes', () => {
    const wanted = execFileSync('bash', ['-c', 'source "$1"; seed_format_wanted', 'test', UP_SH], {
      encoding: 'utf8',
    });
    expect(Number(wanted.trim())).toBe(SEED_FORMAT);
  });

  it('seeds when there is no seed', () => {
    expect(ensureSeed(labDir)).toContain('SEEDED');
  });

  it('reseeds a seed without seedFormat, with an older one, or unreadable', () => {
    expect(withExpected('{"realm":"LAB.TEST"}\n')).toMatch(/format 0, older.*\n.*SEEDED/);
    expect(withExpected(`{"seedFormat":${SEED_FORMAT - 1}}\n`)).toContain('SEEDED');
    expect(withExpected(`{"seedFormat":"${SEED_FORMAT}"}\n`)).toContain('SEEDED');
    expect(withExpected('{ not json')).toContain('SEEDED');
  });

  it('keeps a seed of the current (or a newer) format', () => {
    expect(withExpected(`{"seedFormat":${SEED_FORMAT}}\n`)).not.toContain('SEEDED');
    expect(withExpected(`{"seedFormat":${SEED_FORMAT + 1}}\n`)).toMatch(/seed present/);
  });
});
