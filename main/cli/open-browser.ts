import { spawn } from 'node:child_process';

/** A command line to start, with the URL as its own argument (never through a shell). */
interface BrowserCommand {
  readonly file: string;
  readonly args: readonly string[];
}

/**
 * The command that opens a URL in the user's browser: $BROWSER when set (the URL replaces "%s",
 * or is added last), else the desktop's own opener.
 */
export function browserCommand(
  url: string,
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): BrowserCommand {
  const configured = env.BROWSER?.trim();
  if (configured !== undefined && configured !== '') {
    const [file = '', ...args] = configured.split(/\s+/);
    return {
      file,
      args: args.includes('%s') ? args.map((arg) => (arg === '%s' ? url : arg)) : [...args, url],
    };
  }
  if (platform === 'darwin') return { file: 'open', args: [url] };
  // Not `cmd /c start`: cmd would cut the URL at its first "&". rundll32 takes it whole.
  if (platform === 'win32') return { file: 'rundll32', args: ['url.dll,FileProtocolHandler', url] };
  return { file: 'xdg-open', args: [url] };
}

/** An opener that has not exited by then is taken to be the browser itself, running. */
const SETTLE_MS = 3000;

/**
 * Starts the browser at the URL. Null once the opener exited with 0 or is still running after a
 * moment; otherwise why it could not (no such command, a failing exit), for the user to read.
 */
export function openInBrowser(url: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const command = browserCommand(url, env);
  return new Promise((resolve) => {
    const child = spawn(command.file, [...command.args], { stdio: 'ignore', detached: true });
    // A browser started directly may run for hours: lapsctl exits when its work is done.
    child.unref();
    const timer = setTimeout(() => resolve(null), SETTLE_MS);
    timer.unref();
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(`${command.file}: ${error.message}`);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? null : `${command.file} exited with ${code ?? 'a signal'}`);
    });
  });
}
