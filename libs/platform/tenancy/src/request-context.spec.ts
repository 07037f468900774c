import { requestContext, TenantContextMissingError } from './request-context';

describe('requestContext', () => {
  it('throws when asked for a tenant outside any context', () => {
    expect(() => requestContext.tenantId()).toThrow(TenantContextMissingError);
    expect(() => requestContext.subjectId()).toThrow(TenantContextMissingError);
    expect(() => requestContext.tenantId()).toThrow('This work needs a tenant context and none is set');
    expect(() => requestContext.subjectId()).toThrow('This work needs a subject context and none is set');
    expect(requestContext.peek()).toBeUndefined();
  });

  it('keeps concurrent contexts apart across awaits', async () => {
    const seen = await Promise.all(
      ['a', 'b', 'c'].map((tenantId, i) =>
        requestContext.run({ tenantId }, async () => {
          await new Promise((resolve) => setTimeout(resolve, 10 - i * 3));
          return requestContext.tenantId();
        }),
      ),
    );
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('extends the current scope without losing what is set', () => {
    requestContext.run({ requestId: 'r1' }, () => {
      requestContext.extend({ tenantId: 't1', subjectId: 's1' }, () => {
        expect(requestContext.peek()).toEqual({ requestId: 'r1', tenantId: 't1', subjectId: 's1' });
      });
      expect(() => requestContext.tenantId()).toThrow(TenantContextMissingError);
    });
  });

  it('freezes the scope so no code can swap the tenant in place', () => {
    requestContext.run({ tenantId: 't1' }, () => {
      const scope = requestContext.peek() as { tenantId?: string };
      expect(() => {
        scope.tenantId = 't2';
      }).toThrow(TypeError);
      expect(requestContext.tenantId()).toBe('t1');
    });
  });
});
