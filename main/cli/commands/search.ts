import { searchComputers } from '../../core/directory/computers.js';
import { connectWithProfile } from '../../core/directory/connect.js';
import type { ConnectionProfile } from '../../core/profiles/profile.js';
import { writeJson, type Output } from '../output.js';

export async function runSearch(
  profile: ConnectionProfile,
  text: string,
  limit: number | undefined,
  output: Output,
  signal: AbortSignal,
): Promise<void> {
  const session = await connectWithProfile(profile, { signal });
  try {
    const hits = await searchComputers(session, text, {
      ...(profile.base !== undefined ? { base: profile.base } : {}),
      ...(limit !== undefined ? { limit } : {}),
      signal,
    });
    if (output.json) {
      writeJson(output, hits);
      return;
    }
    if (hits.length === 0) {
      output.stdout.write('No computers match.\n');
      return;
    }
    const nameWidth = Math.max(8, ...hits.map((hit) => hit.computer.length));
    const sourceWidth = Math.max(6, ...hits.map((hit) => (hit.source ?? '-').length));
    const lines = hits.map(
      (hit) =>
        `${hit.computer.padEnd(nameWidth)}  ${(hit.source ?? '-').padEnd(sourceWidth)}  ${(hit.expires ?? '-').padEnd(24)}  ${hit.dnsHostName ?? ''}`,
    );
    output.stdout.write(
      `${'COMPUTER'.padEnd(nameWidth)}  ${'SOURCE'.padEnd(sourceWidth)}  ${'EXPIRES'.padEnd(24)}  DNS NAME\n${lines.join('\n')}\n`,
    );
  } finally {
    await session.close();
  }
}
