import { auditActor } from './audit-actor';

describe('auditActor', () => {
  it("names staff, service accounts and the platform's own automation by kind", () => {
    expect(auditActor.staff('handlaggare-social')).toBe('staff:handlaggare-social');
    expect(auditActor.service('vard-och-omsorg-system')).toBe('service:vard-och-omsorg-system');
    expect(auditActor.system('retention')).toBe('system:retention');
  });
});
