import { Database } from './database';
import { PartyKind } from './entities/party.entity';

// One statement, no write when the party exists (the common case: every citizen request asks).
const FIND_OR_CREATE = `
  WITH found AS (SELECT id FROM party WHERE identity_number = $2),
       created AS (
         INSERT INTO party (kind, identity_number)
         SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM found)
         ON CONFLICT (identity_number) DO NOTHING
         RETURNING id)
  SELECT id FROM found UNION ALL SELECT id FROM created`;

/** Maps identity numbers to opaque party ids, creating a party the first time it is seen. */
export class PartyRegister {
  constructor(private readonly database: Database) {}

  /** `identityNumber` must already be validated and normalised by the caller. */
  async partyIdFor(kind: PartyKind, identityNumber: string): Promise<string> {
    const query = this.database.dataSource;
    const [row] = await query.query(FIND_OR_CREATE, [kind, identityNumber]);
    if (row) return row.id;
    // Lost a race with a concurrent first login of the same person: their row is there now.
    const [created] = await query.query(`SELECT id FROM party WHERE identity_number = $1`, [identityNumber]);
    return created.id;
  }
}
