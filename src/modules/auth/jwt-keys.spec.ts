import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../config';
import { JwtKeys } from './jwt-keys';

describe('JwtKeys', () => {
  let dataDir: string;
  const pair = () =>
    generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-keys-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  const config = (env: Record<string, string> = {}) =>
    loadConfig({
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      JWT_PRIVATE_KEY: '',
      JWT_PRIVATE_KEY_FILE: '',
      JWT_PUBLIC_KEY: '',
      JWT_PUBLIC_KEY_FILE: '',
      ...env,
    });

  it('generates a pair once into DATA_DIR (mode 0600) and reuses it', () => {
    const first = JwtKeys.load(config());
    const file = path.join(dataDir, 'keys', 'jwt-private.pem');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = JwtKeys.load(config());
    expect(second.privateKey).toBe(first.privateKey);
    expect(second.publicKey).toBe(first.publicKey);
  });

  it('refuses to start in production without a key', () => {
    expect(() => JwtKeys.load(config({ NODE_ENV: 'production' }))).toThrow(
      /JWT_PRIVATE_KEY .*must be set when NODE_ENV=production/,
    );
    expect(fs.existsSync(path.join(dataDir, 'keys'))).toBe(false);
  });

  it('reads keys from the environment (escaped newlines too) and from files', () => {
    const { privateKey, publicKey } = pair();
    const inline = JwtKeys.load(
      config({ NODE_ENV: 'production', JWT_PRIVATE_KEY: privateKey.replace(/\n/g, '\\n') }),
    );
    expect(inline.publicKey).toBe(publicKey);
    const file = path.join(dataDir, 'key.pem');
    fs.writeFileSync(file, privateKey);
    const fromFile = JwtKeys.load(config({ JWT_PRIVATE_KEY_FILE: file, JWT_PUBLIC_KEY: publicKey }));
    expect(fromFile.publicKey).toBe(publicKey);
  });

  it('refuses a public key that does not match, a non-RSA key and an unreadable file', () => {
    const a = pair();
    const b = pair();
    expect(() =>
      JwtKeys.load(config({ JWT_PRIVATE_KEY: a.privateKey, JWT_PUBLIC_KEY: b.publicKey })),
    ).toThrow(/does not match/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect(() => JwtKeys.load(config({ JWT_PRIVATE_KEY: ec.toString() }))).toThrow(/RSA/);
    expect(() => JwtKeys.load(config({ JWT_PRIVATE_KEY_FILE: path.join(dataDir, 'missing.pem') }))).toThrow(
      /JWT_PRIVATE_KEY_FILE cannot be read/,
    );
    expect(() => JwtKeys.load(config({ JWT_PRIVATE_KEY: 'not a key' }))).toThrow(/not a PEM private key/);
  });
});
