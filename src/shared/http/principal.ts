import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** Set on the request by authentication once it exists; until then every writer is 'anonymous'. */
export interface RequestWithPrincipal {
  principal?: { readonly name: string };
}

export const ANONYMOUS = 'anonymous';

/** The one place that says who is asking (recorded as metadata.recordedBy). */
export const principalOf = (request: RequestWithPrincipal): string => request.principal?.name ?? ANONYMOUS;

export const Principal = createParamDecorator((_data: unknown, context: ExecutionContext): string =>
  principalOf(context.switchToHttp().getRequest<RequestWithPrincipal>()),
);
