import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../../common/auth';
import { AppError, ErrorCode } from '../../common/errors';
import type { AdminLoginDto, SuperadminLoginDto, TableLoginDto } from './dto/login.dto';
import type {
  AdminLoginResponseDto,
  MeResponseDto,
  SuperadminLoginResponseDto,
  TableLoginResponseDto,
} from './dto/login-response.dto';
import { AuthRepository } from './auth.repository';
import { LoginLockoutService } from './login-lockout.service';
import { PasswordService } from './password.service';
import { TokenService } from './token.service';

/**
 * The three logins. Each one: refuse while locked (before any password work), look the principal up, compare
 * the password (against a dummy hash when there is no such principal, so timing tells nothing), then either
 * count a failure and answer AUTH_FAILED without naming the wrong field, or reset the count and issue a token.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly repository: AuthRepository,
    private readonly passwords: PasswordService,
    private readonly lockout: LoginLockoutService,
    private readonly tokens: TokenService,
  ) {}

  async tableLogin(dto: TableLoginDto): Promise<TableLoginResponseDto> {
    const lockKey = lockoutKey('table', dto.storeCode, String(dto.tableNumber));
    await this.lockout.assertNotLocked(lockKey);
    const table = await this.repository.findTable(dto.storeCode, dto.tableNumber);
    if (!(await this.passwords.verify(dto.password, table?.passwordHash)) || !table) {
      return this.fail(lockKey, 'table');
    }
    await this.lockout.reset(lockKey);
    const token = await this.tokens.issue({
      sub: `table:${table.id}`,
      role: 'table',
      storeId: table.store.id,
      tableId: table.id,
      ver: table.tokenVersion,
    });
    return {
      ...token,
      role: 'table',
      store: table.store,
      table: { id: table.id, number: table.number },
    };
  }

  async adminLogin(dto: AdminLoginDto): Promise<AdminLoginResponseDto> {
    const lockKey = lockoutKey('admin', dto.storeCode, dto.username);
    await this.lockout.assertNotLocked(lockKey);
    const admin = await this.repository.findStoreAdmin(dto.storeCode, dto.username);
    const matches = await this.passwords.verify(dto.password, admin?.passwordHash);
    if (!matches || !admin || !admin.isActive || !admin.store) return this.fail(lockKey, 'admin');
    await this.lockout.reset(lockKey);
    const token = await this.tokens.issue({
      sub: `admin:${admin.id}`,
      role: 'admin',
      storeId: admin.store.id,
      ver: admin.tokenVersion,
    });
    return {
      ...token,
      role: 'admin',
      store: admin.store,
      admin: { id: admin.id, username: admin.username },
    };
  }

  async superadminLogin(dto: SuperadminLoginDto): Promise<SuperadminLoginResponseDto> {
    const lockKey = lockoutKey('superadmin', dto.username);
    await this.lockout.assertNotLocked(lockKey);
    const admin = await this.repository.findSuperadmin(dto.username);
    const matches = await this.passwords.verify(dto.password, admin?.passwordHash);
    if (!matches || !admin || !admin.isActive) return this.fail(lockKey, 'superadmin');
    await this.lockout.reset(lockKey);
    const token = await this.tokens.issue({
      sub: `superadmin:${admin.id}`,
      role: 'superadmin',
      ver: admin.tokenVersion,
    });
    return { ...token, role: 'superadmin' };
  }

  me(principal: Principal): MeResponseDto {
    const me: MeResponseDto = {
      role: principal.role,
      expiresAt: new Date(principal.exp * 1000).toISOString(),
    };
    if (principal.storeId) me.storeId = principal.storeId;
    if (principal.tableId) me.tableId = principal.tableId;
    if (principal.adminId) me.adminId = principal.adminId;
    return me;
  }

  private async fail(lockKey: string, kind: string): Promise<never> {
    await this.lockout.recordFailure(lockKey);
    this.logger.log({ kind }, 'login failed');
    throw AppError.unauthorized(ErrorCode.AUTH_FAILED, 'invalid credentials');
  }
}

/**
 * Parts are URI-encoded so that no two different logins share a key. A lone UTF-16 surrogate, on which
 * encodeURIComponent throws, never gets here: the JSON body parser refuses it (common/http/json-body.ts).
 */
function lockoutKey(kind: string, ...parts: string[]): string {
  return [kind, ...parts.map((p) => encodeURIComponent(p))].join(':');
}
