import { Database } from './database';
import { PartyKind } from './entities/party.entity';

/** Maps identity numbers to opaque party ids, creating a party the first time it is seen. */
export class PartyRegister {
  constructor(private readonly database: Database) {}

  /** `identityNumber` must already be validated and normalised by the caller. */
  async partyIdFor(kind: PartyKind, identityNumber: string): Promise<string> {
    const [row] = await this.database.platformTransaction((em) =>
      em.query(
        `INSERT INTO party (kind, identity_number) VALUES ($1, $2)
         ON CONFLICT (identity_number) DO UPDATE SET identity_number = EXCLUDED.identity_number
         RETURNING id`,
        [kind, identityNumber],
      ),
    );
    return row.id;
  }
}
