import { Body, Controller, Get, HttpCode, Post, type Type } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../../common/auth';
import type { Principal } from '../../common/auth';
import { ErrorCode } from '../../common/errors';
import { API_PREFIX } from '../../common/http/api';
import { Endpoint } from '../../common/http/endpoint.decorator';
import { AuthService } from './auth.service';
import { AdminLoginDto, SuperadminLoginDto, TableLoginDto } from './dto/login.dto';
import {
  AdminLoginResponseDto,
  MeResponseDto,
  SuperadminLoginResponseDto,
  TableLoginResponseDto,
} from './dto/login-response.dto';
import { LoginRateLimit } from './rate-limit.guard';

/** What the three logins share: public, a JSON body, wrong credentials, the lockout and the login rate limit. */
function LoginEndpoint(operationId: string, summary: string, type: Type): MethodDecorator {
  return Endpoint({
    operationId,
    auth: 'public',
    summary,
    jsonBody: true,
    success: { status: 200, type, description: 'the access token and who it belongs to' },
    errors: [
      [ErrorCode.VALIDATION_ERROR, 'missing or unknown fields, a password over 72 bytes'],
      [ErrorCode.AUTH_FAILED, 'wrong credentials (never says which field)'],
      [ErrorCode.LOGIN_LOCKED, 'after 5 consecutive failures of this login, for 60 s'],
      [
        ErrorCode.RATE_LIMIT_EXCEEDED,
        'RATE_LIMIT_PER_MINUTE requests and LOGIN_RATE_LIMIT_PER_MINUTE login attempts per client IP',
      ],
    ],
  });
}

@ApiTags('auth')
@Controller(`${API_PREFIX}/auth`)
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('table-login')
  @LoginRateLimit()
  @HttpCode(200)
  @LoginEndpoint(
    'tableLogin',
    'Tablet login with store code, table number and table password',
    TableLoginResponseDto,
  )
  tableLogin(@Body() dto: TableLoginDto): Promise<TableLoginResponseDto> {
    return this.auth.tableLogin(dto);
  }

  @Post('admin-login')
  @LoginRateLimit()
  @HttpCode(200)
  @LoginEndpoint('adminLogin', 'Store admin login', AdminLoginResponseDto)
  adminLogin(@Body() dto: AdminLoginDto): Promise<AdminLoginResponseDto> {
    return this.auth.adminLogin(dto);
  }

  @Post('superadmin-login')
  @LoginRateLimit()
  @HttpCode(200)
  @LoginEndpoint('superadminLogin', 'Platform superadmin login', SuperadminLoginResponseDto)
  superadminLogin(@Body() dto: SuperadminLoginDto): Promise<SuperadminLoginResponseDto> {
    return this.auth.superadminLogin(dto);
  }

  @Get('me')
  @Endpoint({
    operationId: 'getMe',
    auth: ['table', 'admin', 'superadmin'],
    summary: 'Who the token belongs to, and when it expires',
    success: { status: 200, type: MeResponseDto, description: 'the caller' },
  })
  me(@CurrentPrincipal() principal: Principal): MeResponseDto {
    return this.auth.me(principal);
  }
}
