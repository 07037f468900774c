import { tenantExportFileName } from './tenant-export.controller';

describe("a municipality's export file", () => {
  it("is named after the day of the export in Sweden, not UTC's date", () => {
    // 00:30 on 8 December in Sweden (CET); 00:30 on 1 July (CEST): the UTC dates are still the day before.
    expect(tenantExportFileName('sundsvall', '2026-12-07T23:30:00.000Z')).toBe('kommuna-sundsvall-2026-12-08.tar');
    expect(tenantExportFileName('timra', '2026-06-30T22:30:00.000Z')).toBe('kommuna-timra-2026-07-01.tar');
  });
});
