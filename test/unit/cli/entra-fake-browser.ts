// A stand-in for the user's browser, started by lapsctl as $BROWSER:
//   node --import tsx entra-fake-browser.ts --ca CA_FILE URL
// It loads the emulator's authorize page (which signs its auto-approving user in), then submits
// the page's form_post form to the loopback redirect, as a browser's script would.
import { request } from 'node:https';
import { readFileSync } from 'node:fs';

function get(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

const decode = (text: string) =>
  text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

const [flag, caFile, url] = process.argv.slice(2);
if (flag !== '--ca' || caFile === undefined || url === undefined) {
  process.stderr.write('usage: entra-fake-browser --ca CA_FILE URL\n');
  process.exit(2);
}
const page = await get(url, readFileSync(caFile, 'utf8'));
const action = /<form method="post" action="([^"]+)">/.exec(page)?.[1];
if (action === undefined) {
  process.stderr.write(`no form_post form on the authorize page: ${page}\n`);
  process.exit(1);
}
const fields = new URLSearchParams();
for (const [, name = '', value = ''] of page.matchAll(
  /<input type="hidden" name="([^"]*)" value="([^"]*)">/g,
))
  fields.set(decode(name), decode(value));
// MSAL names its loopback "localhost" and listens on 127.0.0.1; a browser tries both families.
const loopback = new URL(decode(action));
loopback.hostname = '127.0.0.1';
const response = await fetch(loopback, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: fields.toString(),
});
process.stdout.write(await response.text());
process.exit(response.ok ? 0 : 1);
