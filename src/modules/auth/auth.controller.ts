import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Auth, CurrentPrincipal, Public } from '../../common/auth';
import type { Principal } from '../../common/auth';
import { API_PREFIX } from '../../common/http/api';
import { ErrorEnvelopeDto } from '../../common/errors';
import { AuthService } from './auth.service';
import { AdminLoginDto, SuperadminLoginDto, TableLoginDto } from './dto/login.dto';
import {
  AdminLoginResponseDto,
  MeResponseDto,
  SuperadminLoginResponseDto,
  TableLoginResponseDto,
} from './dto/login-response.dto';
import { LoginRateLimit } from './rate-limit.guard';

const LOGIN_ERRORS = [
  ApiBadRequestResponse({
    type: ErrorEnvelopeDto,
    description: 'VALIDATION_ERROR (missing or unknown fields, a password over 72 bytes)',
  }),
  ApiUnauthorizedResponse({
    type: ErrorEnvelopeDto,
    description: 'AUTH_FAILED: wrong credentials (never says which field)',
  }),
  ApiTooManyRequestsResponse({
    type: ErrorEnvelopeDto,
    description:
      'LOGIN_LOCKED after 5 consecutive failures (60 s), or RATE_LIMIT_EXCEEDED (LOGIN_RATE_LIMIT_PER_MINUTE per IP); `Retry-After` in seconds',
  }),
];

function LoginDocs(summary: string, type: new () => unknown): MethodDecorator {
  return (target, key, descriptor) => {
    ApiOperation({ summary })(target, key, descriptor);
    ApiOkResponse({ type })(target, key, descriptor);
    for (const decorator of LOGIN_ERRORS) decorator(target, key, descriptor);
  };
}

@ApiTags('auth')
@Controller(`${API_PREFIX}/auth`)
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('table-login')
  @Public()
  @LoginRateLimit()
  @HttpCode(200)
  @LoginDocs('Tablet login with store code, table number and table password', TableLoginResponseDto)
  tableLogin(@Body() dto: TableLoginDto): Promise<TableLoginResponseDto> {
    return this.auth.tableLogin(dto);
  }

  @Post('admin-login')
  @Public()
  @LoginRateLimit()
  @HttpCode(200)
  @LoginDocs('Store admin login', AdminLoginResponseDto)
  adminLogin(@Body() dto: AdminLoginDto): Promise<AdminLoginResponseDto> {
    return this.auth.adminLogin(dto);
  }

  @Post('superadmin-login')
  @Public()
  @LoginRateLimit()
  @HttpCode(200)
  @LoginDocs('Platform superadmin login', SuperadminLoginResponseDto)
  superadminLogin(@Body() dto: SuperadminLoginDto): Promise<SuperadminLoginResponseDto> {
    return this.auth.superadminLogin(dto);
  }

  @Get('me')
  @Auth('table', 'admin', 'superadmin')
  @ApiOperation({ summary: 'Who the token belongs to, and when it expires' })
  @ApiOkResponse({ type: MeResponseDto })
  me(@CurrentPrincipal() principal: Principal): MeResponseDto {
    return this.auth.me(principal);
  }
}
