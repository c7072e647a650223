import { Injectable, OnModuleInit } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { AppConfig } from '../../config';

/**
 * bcrypt (native binding, so the work runs on libuv's thread pool and not on the event loop) at BCRYPT_COST.
 * Lengths are validated in bytes before reaching here (see ByteLength): bcrypt would silently ignore
 * everything after byte 72.
 */
@Injectable()
export class PasswordService implements OnModuleInit {
  /** Compared against when the user does not exist, so that answer takes as long as a wrong password. */
  private dummyHash: string;

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await bcrypt.hash('timing-equaliser-not-a-password', this.config.bcryptCost);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.bcryptCost);
  }

  /** False when `hash` is absent, after the same amount of work as a real comparison. */
  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const matches = await bcrypt.compare(password, hash ?? this.dummyHash);
    return hash !== undefined && matches;
  }
}
