import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessControl } from './access-control.js';

/**
 * The global guard: every Nest route passes the access table even if the onRequest hook was not
 * installed (an app built without applySecurity); when the hook ran, this is a no-op.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(@Inject(AccessControl) private readonly access: AccessControl) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    this.access.check(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
    return true;
  }
}
