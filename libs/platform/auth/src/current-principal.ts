import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { requestOf } from './access.guard';
import { Principal } from './principal';

/** The verified caller of an entry point with an `@Allow(...)` rule. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = requestOf(context).principal;
  if (!principal) throw new Error('CurrentPrincipal used on an entry point without an @Allow rule');
  return principal;
});
