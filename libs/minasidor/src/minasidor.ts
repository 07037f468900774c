import { Database, PartyRegister, TenantDirectory } from '@kommuna/platform-persistence';
import type { EventHandler } from '@kommuna/platform-events';
import { CaseIntake } from './case-intake';
import { CitizenCases } from './citizen-cases';
import { minasidorEventHandlers } from './event-handlers';
import { Municipalities } from './municipalities';
import { MyDataExport } from './my-data';
import { RepresentationOptions, Representations } from './representations';
import { ruleCaseHandler } from './rule-cases';
import { StaffCases } from './staff-cases';

/** Mina sidor composed on the platform's database and tenants: one instance per process. */
export class Minasidor {
  readonly municipalities: Municipalities;
  readonly intake: CaseIntake;
  readonly citizens: CitizenCases;
  readonly staff: StaffCases;
  readonly representations: Representations;
  readonly myData: MyDataExport;

  constructor(
    database: Database,
    tenants: TenantDirectory,
    parties: PartyRegister = new PartyRegister(database),
    /** Mina ombud's environment and the cache of its answers (default: from process variables, in memory). */
    representation: RepresentationOptions = {},
  ) {
    this.municipalities = new Municipalities(tenants);
    this.representations = new Representations(database, parties, this.municipalities, tenants, representation);
    this.intake = new CaseIntake(database, parties, this.municipalities);
    this.citizens = new CitizenCases(database, this.municipalities, this.representations);
    this.staff = new StaffCases(database, this.municipalities, this.intake);
    this.myData = new MyDataExport(database, this.municipalities, this.representations);
  }

  /** The outbox consumers that turn e-forms submissions, and what municipalities' rules decide, into cases. */
  eventHandlers(): EventHandler[] {
    return [...minasidorEventHandlers(this.intake), ruleCaseHandler(this.intake)];
  }
}
