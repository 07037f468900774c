// Counts (and captures) the SQL statements a request runs, from PostgreSQL's own log: the census
// database has log_statement = all, and the lines appended to the server log while one request
// runs, for that database, are that request's statements. Counted by the server, not guessed.
import * as fs from 'node:fs';
import { serverLogFile } from './postgres';

export interface LoggedStatement {
  pid: number;
  /** The SQL text as PostgreSQL received it. */
  sql: string;
  /** Bind parameters as logged ($1 = '...'), when any. */
  parameters?: string;
}

const ENTRY =
  /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] (?:\S+ )?(\S+)@(\S+) (LOG|DETAIL|ERROR|STATEMENT|WARNING|NOTICE|HINT|CONTEXT|FATAL):\s+(.*)$/;
/** Any log entry's start, also of server processes without a user@database (the checkpointer, autovacuum). */
const ANY_ENTRY = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] /;

export class StatementCensus {
  private readonly file: string;
  private offset = 0;

  private constructor(
    file: string,
    private readonly database: string,
  ) {
    this.file = file;
  }

  /** Null when the server log cannot be read (then nothing is counted, and the results say so). */
  static open(database: string): StatementCensus | null {
    const file = serverLogFile();
    return file ? new StatementCensus(file, database) : null;
  }

  mark(): void {
    this.offset = fs.statSync(this.file).size;
  }

  /** Statements logged for the database since mark(). Waits briefly for the log to be flushed. */
  async since(): Promise<LoggedStatement[]> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const size = fs.statSync(this.file).size;
    const fd = fs.openSync(this.file, 'r');
    const buffer = Buffer.alloc(size - this.offset);
    fs.readSync(fd, buffer, 0, buffer.length, this.offset);
    fs.closeSync(fd);
    const statements: LoggedStatement[] = [];
    let current: { pid: number; db: string; level: string; text: string } | undefined;
    const flush = () => {
      if (!current || current.db !== this.database) return;
      if (current.level === 'LOG') {
        const m = /^(?:statement|execute [^:]+): ([\s\S]*)$/.exec(current.text);
        if (m) statements.push({ pid: current.pid, sql: m[1].trim() });
      } else if (current.level === 'DETAIL' && current.text.startsWith('parameters: ') && statements.length > 0) {
        statements[statements.length - 1].parameters = current.text.slice('parameters: '.length);
      }
    };
    for (const line of buffer.toString('utf8').split('\n')) {
      const m = ENTRY.exec(line);
      if (m) {
        flush();
        current = { pid: Number(m[1]), db: m[3], level: m[4], text: m[5] };
      } else if (ANY_ENTRY.test(line)) {
        // Another process's entry (e.g. "checkpoint starting" when another database is created): not a continuation line.
        flush();
        current = undefined;
      } else if (current) {
        current.text += `\n${line}`;
      }
    }
    flush();
    return statements;
  }
}
