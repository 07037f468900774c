import type { INestApplicationContext } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { ACCESS_RULE, AccessRule, describeAccessRule } from '@kommuna/platform-auth';

const RESOLVER_TYPE = 'graphql:resolver_type';
const RESOLVER_NAME = 'graphql:resolver_name';
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];

export interface EntryPoint {
  /** e.g. "Query.tenants" or "GET /health/ready" */
  name: string;
  rule: AccessRule | undefined;
}

/** Every GraphQL operation and HTTP route the app serves, with its access rule (if any). */
export function listEntryPoints(app: INestApplicationContext): EntryPoint[] {
  const found: EntryPoint[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    const wrappers = [...module.controllers.values(), ...module.providers.values()];
    for (const wrapper of wrappers) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type || typeof type !== 'function' || !type.prototype) continue;
      const classRule: AccessRule | undefined = Reflect.getMetadata(ACCESS_RULE, type);
      const classPath: string | undefined = Reflect.getMetadata(PATH_METADATA, type);
      for (const key of Object.getOwnPropertyNames(type.prototype)) {
        if (key === 'constructor') continue;
        const handler = Object.getOwnPropertyDescriptor(type.prototype, key)?.value;
        if (typeof handler !== 'function') continue;
        const rule: AccessRule | undefined = Reflect.getMetadata(ACCESS_RULE, handler) ?? classRule;
        const operation: string | undefined = Reflect.getMetadata(RESOLVER_TYPE, handler);
        if (operation === 'Query' || operation === 'Mutation' || operation === 'Subscription') {
          found.push({ name: `${operation}.${Reflect.getMetadata(RESOLVER_NAME, handler) ?? key}`, rule });
        } else if (classPath !== undefined && Reflect.getMetadata(PATH_METADATA, handler) !== undefined) {
          const method = HTTP_METHODS[Reflect.getMetadata(METHOD_METADATA, handler) as number] ?? 'ANY';
          const route = [classPath, Reflect.getMetadata(PATH_METADATA, handler)].filter((p) => p && p !== '/').join('/');
          found.push({ name: `${method} /${route.replace(/^\/+/, '')}`, rule });
        }
      }
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** One line per entry point: what reviewers read in the snapshot. */
export function describeEntryPoints(entryPoints: EntryPoint[]): string {
  return entryPoints.map((e) => `${e.name}: ${describeAccessRule(e.rule)}`).join('\n');
}
