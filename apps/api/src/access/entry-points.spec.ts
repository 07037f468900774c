import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Query, Resolver } from '@nestjs/graphql';
import { Allow, Public } from '@kommuna/platform-auth';
import { listEntryPoints } from './entry-points';

// The enumeration itself must see an unguarded entry point, or the guard test above proves nothing.
@Controller('fixture')
class FixtureController {
  @Public()
  @Get('open')
  open(): string {
    return 'ok';
  }

  @Get('forgotten')
  forgotten(): string {
    return 'unguarded';
  }
}

@Resolver()
class FixtureResolver {
  @Allow('tenant_admin')
  @Query(() => String)
  guarded(): string {
    return 'ok';
  }

  @Query(() => String)
  unguarded(): string {
    return 'oops';
  }
}

@Module({ controllers: [FixtureController], providers: [FixtureResolver] })
class FixtureModule {}

describe('listEntryPoints', () => {
  it('finds routes and operations without a rule', async () => {
    const app = await NestFactory.createApplicationContext(FixtureModule, { logger: false });
    try {
      const found = listEntryPoints(app).map((e) => `${e.name}: ${e.rule ? e.rule.kind : 'none'}`);
      expect(found).toEqual(['GET /fixture/forgotten: none', 'GET /fixture/open: public', 'Query.guarded: roles', 'Query.unguarded: none']);
    } finally {
      await app.close();
    }
  });
});
