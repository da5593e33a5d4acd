/**
 * A self-signed certificate for the fake Pinterest API served over HTTPS on 127.0.0.1 (the bench's HTTPS run and the
 * fake's command-line test). Made with the `openssl` command line; no CA chain (see proxy.test.ts for that).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Paths of a PEM key and certificate. */
export interface CertificateFiles {
  key: string;
  cert: string;
}

/**
 * Writes an EC P-256 key and a self-signed certificate for IP 127.0.0.1 (valid one day) into `dir` as fake-key.pem
 * and fake-cert.pem. A client trusts it by taking the certificate as its CA (NODE_EXTRA_CA_CERTS, or `ca`).
 * @returns the two paths, or undefined when openssl is missing or fails
 */
export function selfSignedCertificate(dir: string): CertificateFiles | undefined {
  const key = join(dir, 'fake-key.pem');
  const cert = join(dir, 'fake-cert.pem');
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { stdio: 'ignore' },
  );
  return r.status === 0 && existsSync(cert) ? { key, cert } : undefined;
}
