// One api process with the GraphQL driver named by DRIVER (mercurius | apollo), both on Fastify,
// serving the real tenants resolver over an in-memory database with the shipped tenants.
import 'reflect-metadata';
import * as path from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { MercuriusDriver } from '@nestjs/mercurius';
import { ApolloDriver } from '@nestjs/apollo';
import { Database, PLATFORM_DATABASE_SCHEMA, TenantDirectory } from '@kommuna/platform-persistence';
import { loadTenantConfigs } from '@kommuna/platform-tenancy';
import { TenantsResolver } from '../../apps/api/src/tenants/tenants.resolver';

async function main(): Promise<void> {
  const driver = process.env.DRIVER === 'apollo' ? ApolloDriver : MercuriusDriver;
  const database = await Database.open({ kind: 'pglite' }, PLATFORM_DATABASE_SCHEMA);
  const tenants = new TenantDirectory(database);
  await tenants.sync(loadTenantConfigs(path.resolve(__dirname, '../../tenants')).map((t) => t.config));

  @Module({
    imports: [GraphQLModule.forRoot({ driver, autoSchemaFile: true, sortSchema: true })],
    providers: [{ provide: TenantDirectory, useValue: tenants }, TenantsResolver],
  })
  class BenchModule {}

  const app = await NestFactory.create<NestFastifyApplication>(BenchModule, new FastifyAdapter(), { logger: false });
  await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
  process.stdout.write('READY\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
