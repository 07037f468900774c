import * as path from 'node:path';
import { parseArchiveExportArguments } from './archive-export.command';

describe('archive:export arguments', () => {
  it("names the default folder after today in Sweden, not UTC's date", () => {
    // 00:30 on 8 December in Sweden; the UTC date is still the 7th.
    const options = parseArchiveExportArguments(['--tenant', 'sundsvall', '--case', 'PTS-2026-000042'], new Date('2026-12-07T23:30:00Z'));
    expect(path.basename(options.out)).toBe('archive-sundsvall-2026-12-08');
  });
});
