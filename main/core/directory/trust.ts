import { readFile } from 'node:fs/promises';
import tls from 'node:tls';
import { UsageError } from '../errors/laps-error.js';

/**
 * The certificates a DC's TLS certificate must chain to. With a CA file, that file alone.
 * Otherwise the operating system's store as well as Node's bundled roots: an enterprise CA (AD CS)
 * that issued the DC certificates is in the system store, never in Node's bundle.
 */
export async function loadTrustAnchors(caFile?: string): Promise<string[]> {
  if (caFile !== undefined) return readCaFile(caFile);
  return systemTrustAnchors();
}

async function readCaFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `Cannot read the CA file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}): give a readable PEM file.`,
    );
  }
  const certificates = splitPem(text);
  if (certificates.length === 0) {
    throw new UsageError(
      `The CA file ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA that issued the DC's certificate.`,
    );
  }
  return certificates;
}

function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

// Where Linux distributions and macOS (Homebrew/OpenSSL) keep the system bundle.
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

let systemAnchors: Promise<string[]> | undefined;

function systemTrustAnchors(): Promise<string[]> {
  systemAnchors ??= (async () => {
    // Node 22.15+ (and Electron) read the OS store itself, Windows and macOS keychains included.
    const getCaCertificates = (tls as { getCACertificates?: (type: string) => string[] })
      .getCACertificates;
    if (getCaCertificates) return [...getCaCertificates('default'), ...getCaCertificates('system')];
    for (const path of SYSTEM_BUNDLES) {
      try {
        return [...tls.rootCertificates, ...splitPem(await readFile(path, 'utf8'))];
      } catch {
        // Not this distribution's path: try the next.
      }
    }
    return [...tls.rootCertificates];
  })();
  return systemAnchors;
}
