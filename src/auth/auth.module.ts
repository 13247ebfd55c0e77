import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { AccessControl } from './access-control.js';
import { AccessGuard } from './access.guard.js';
import { RateLimiter } from './rate-limiter.js';
import { loadTokenRegistry, TokenRegistry } from './tokens.js';

/**
 * Bearer tokens with roles, the route access table and rate limits. applySecurity (bootstrap)
 * puts them in front of every route; the guard re-checks access on Nest routes in case it did not.
 */
@Module({
  providers: [
    { provide: TokenRegistry, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loadTokenRegistry(config) },
    { provide: AccessControl, inject: [TokenRegistry], useFactory: (tokens: TokenRegistry) => new AccessControl(tokens) },
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: RateLimiter, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new RateLimiter(config.rateLimit) },
  ],
  exports: [AccessControl, TokenRegistry, RateLimiter],
})
export class AuthModule {}
