import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { AppConfig, ConfigError } from '../../config';

/**
 * The RS256 key pair: the private key signs tokens, the public key verifies them. The PEM texts are what was
 * configured; signing and verifying use the parsed KeyObjects, because jsonwebtoken given a PEM string parses it
 * again (createPublicKey) on every call, which cost more than the RSA verification itself.
 */
export class JwtKeys {
  readonly signingKey: KeyObject;
  readonly verificationKey: KeyObject;

  constructor(
    readonly privateKey: string,
    readonly publicKey: string,
  ) {
    this.signingKey = createPrivateKey(privateKey);
    this.verificationKey = createPublicKey(publicKey);
  }

  /**
   * JWT_PRIVATE_KEY(_FILE) / JWT_PUBLIC_KEY(_FILE) when set (the public key is derived from the private one when
   * only that is given). Unset outside production: a pair generated once into DATA_DIR/keys and reused, so tokens
   * survive restarts. Production without keys is refused: generated keys there would differ per pod.
   */
  static load(config: AppConfig): JwtKeys {
    const privatePem = readPem(config.jwt.privateKey, config.jwt.privateKeyFile, 'JWT_PRIVATE_KEY');
    const publicPem = readPem(config.jwt.publicKey, config.jwt.publicKeyFile, 'JWT_PUBLIC_KEY');
    if (privatePem) return JwtKeys.fromPem(privatePem, publicPem);
    if (config.isProduction) {
      throw new ConfigError(
        'Invalid configuration: JWT_PRIVATE_KEY (or JWT_PRIVATE_KEY_FILE) must be set when NODE_ENV=production',
      );
    }
    if (publicPem) {
      throw new ConfigError('Invalid configuration: JWT_PUBLIC_KEY is set without JWT_PRIVATE_KEY');
    }
    return JwtKeys.fromPem(generatedPrivateKey(config.dataDir));
  }

  static fromPem(privatePem: string, publicPem?: string): JwtKeys {
    let key;
    try {
      key = createPrivateKey(privatePem);
    } catch {
      throw new ConfigError('Invalid configuration: JWT_PRIVATE_KEY is not a PEM private key');
    }
    if (key.asymmetricKeyType !== 'rsa') {
      throw new ConfigError('Invalid configuration: JWT_PRIVATE_KEY must be an RSA key (RS256)');
    }
    const derived = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
    if (publicPem) {
      let given;
      try {
        given = createPublicKey(publicPem).export({ type: 'spki', format: 'pem' }).toString();
      } catch {
        throw new ConfigError('Invalid configuration: JWT_PUBLIC_KEY is not a PEM public key');
      }
      if (given !== derived) {
        throw new ConfigError('Invalid configuration: JWT_PUBLIC_KEY does not match JWT_PRIVATE_KEY');
      }
    }
    return new JwtKeys(key.export({ type: 'pkcs8', format: 'pem' }).toString(), derived);
  }
}

function readPem(inline: string | undefined, file: string | undefined, name: string): string | undefined {
  if (inline) return inline.replace(/\\n/g, '\n');
  if (!file) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration: ${name}_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/**
 * Creates DATA_DIR/keys/jwt-private.pem (mode 0600) unless it exists. The file appears atomically (written
 * aside, then hard-linked into place, which fails when another instance won the race), so two instances
 * starting together on one DATA_DIR end up with the same key.
 */
function generatedPrivateKey(dataDir: string): string {
  const dir = path.join(dataDir, 'keys');
  const file = path.join(dir, 'jwt-private.pem');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const temp = path.join(dir, `.jwt-private.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  fs.writeFileSync(temp, privateKey, { mode: 0o600 });
  try {
    fs.linkSync(temp, file);
    new Logger('JwtKeys').warn(
      { file },
      'generated a development JWT key pair; set JWT_PRIVATE_KEY in production',
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return fs.readFileSync(file, 'utf8');
}
