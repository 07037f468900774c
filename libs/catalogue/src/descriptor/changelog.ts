/** One release in a library's CHANGELOG.md as changesets writes it. */
export interface ChangelogRelease {
  version: string;
  changes: Array<{ kind: 'major' | 'minor' | 'patch' | 'other'; text: string }>;
}

/**
 * Reads changesets' CHANGELOG.md format: "## <version>" per release, "### Minor Changes" etc. per
 * kind, "- <hash>: text" per change. Newest first, as the file is. Missing file: no releases yet.
 */
export function parseChangelog(markdown: string | undefined): ChangelogRelease[] {
  if (!markdown) return [];
  const releases: ChangelogRelease[] = [];
  let current: ChangelogRelease | undefined;
  let kind: ChangelogRelease['changes'][number]['kind'] = 'other';
  let last: { text: string } | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    const release = /^##\s+(\S+)\s*$/.exec(line);
    if (release) {
      current = { version: release[1], changes: [] };
      releases.push(current);
      kind = 'other';
      last = undefined;
      continue;
    }
    const heading = /^###\s+(Major|Minor|Patch)\s+Changes/i.exec(line);
    if (heading) {
      kind = heading[1].toLowerCase() as 'major' | 'minor' | 'patch';
      continue;
    }
    const item = /^[-*]\s+(?:[0-9a-f]{7,40}:\s+)?(.*)$/.exec(line);
    if (item && current) {
      last = { text: item[1].trim() };
      current.changes.push({ kind, text: last.text });
      continue;
    }
    // A change's continuation lines (indented) belong to it.
    if (last && current && /^\s{2,}\S/.test(line)) {
      last.text = `${last.text} ${line.trim()}`;
      current.changes[current.changes.length - 1].text = last.text;
    }
  }
  return releases;
}
