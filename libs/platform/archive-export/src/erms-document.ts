import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import type { ArchivedCase } from './archived-case';
import type { ArchiveDecision, ArchiveRecord } from './contribution';
import { NS, PACKAGE_SCHEMAS, PackageFile } from './package-layout';

/** A record with the package files its content was written to. */
export interface PackagedRecord {
  record: ArchiveRecord;
  files: PackageFile[];
}

const iso = (d: Date) => d.toISOString();

const DIRECTION: Record<ArchiveRecord['direction'], string> = {
  incoming: 'incoming',
  outgoing: 'outgoing',
  internal: 'internal_memo_without_follow-up',
};

const DATE_OF_DIRECTION: Record<ArchiveRecord['direction'], string> = {
  incoming: 'received',
  outgoing: 'created',
  internal: 'created',
};

/**
 * The case as FGS Ärendehantering 2.0 (E-ARK CITS ERMS 2.1) describes it: one aggregation of type
 * caseFile (ärende) holding a record per handling (ansökan, bilaga, beslut, meddelande), the case
 * history as actions, and the party by its opaque party id only. Decisions' outcome, reasons and
 * legal basis go in ERMS's own extension point (additionalInformation/ownElement), which the
 * standard provides for what it has no element of its own for.
 */
export function ermsDocument(archived: ArchivedCase, records: readonly PackagedRecord[], createdAt: Date, software: string): string {
  const { header, municipality } = archived;
  const erms = create({ version: '1.0', encoding: 'UTF-8' }).ele(NS.erms, 'erms', {
    'xmlns:xsi': NS.xsi,
    'xsi:schemaLocation': `${NS.erms} ../../schemas/${PACKAGE_SCHEMAS.erms}`,
  });

  const control = erms.ele('control');
  control.ele('identification', { identificationType: 'archivalCreator' }).txt(municipality.names.sv);
  control.ele('identification', { identificationType: 'organisationsnummer' }).txt(municipality.organisationsnummer);
  control.ele('identification', { identificationType: 'kommunkod' }).txt(municipality.kommunkod);
  const maintenance = control.ele('maintenanceInformation');
  maintenance.ele('maintenanceStatus', { value: 'new' });
  maintenance.ele('maintenanceAgency').ele('agencyName').txt(municipality.names.sv);
  const event = maintenance.ele('maintenanceHistory').ele('maintenanceEvent');
  event.ele('eventType', { value: 'created' });
  event.ele('eventDateTime').txt(iso(createdAt));
  event.ele('agent', { agentType: 'creator' }).ele('name').txt(software);

  const aggregation = erms.ele('aggregations').ele('aggregation', { systemIdentifier: archived.errandNumber, aggregationType: 'caseFile' });
  aggregation.ele('objectId').txt(archived.errandNumber);
  if (header.caseSystemReference) aggregation.ele('extraId', { extraIdType: 'diarienummer' }).txt(header.caseSystemReference);
  aggregation.ele('extraId', { extraIdType: 'caseType' }).txt(header.caseType);
  aggregation.ele('title').txt(header.title.sv);
  aggregation.ele('otherTitle', { titleType: 'en' }).txt(header.title.en);
  aggregation.ele('status', { value: 'closed' });
  ownElements(aggregation.ele('additionalInformation'), 'sourceStatuses', (own) => {
    for (const { source, status } of archived.statuses) value(own, source, status);
  });

  const agents = aggregation.ele('agents');
  const owner = agents.ele('agent', { agentType: 'owner' });
  owner.ele('name').txt(municipality.names.sv);
  owner.ele('organisation').txt(municipality.names.sv);
  owner.ele('unitName').txt(header.unit);
  if (header.party) {
    // The party by its opaque id: no identity number and no name, which may be protected (skyddad identitet).
    const party = agents.ele('agent', { agentType: 'counterpart' });
    party.ele('name').txt(header.party.kind === 'organisation' ? 'Part (organisation)' : 'Part (person)');
    party.ele('idNumber', { idNumberType: 'kommuna-party-id' }).txt(header.party.partyId);
  }

  const dates = aggregation.ele('dates');
  dates.ele('date', { dateType: 'opened' }).txt(iso(header.openedAt));
  dates.ele('date', { dateType: 'closed' }).txt(iso(header.closedAt));

  for (const step of archived.events) {
    const action = aggregation.ele('action');
    action.ele('actionText').txt(step.text?.sv ?? step.kind);
    action.ele('actionType').txt(`${step.source}:${step.kind}`);
    action.ele('dates').ele('actionDate', { dateType: 'other', otherDateType: 'occurred' }).txt(iso(step.occurredAt));
  }

  records.forEach(({ record, files }, index) => recordElement(aggregation, archived.errandNumber, index + 1, record, files));
  return erms.end({ prettyPrint: true });
}

function recordElement(parent: XMLBuilder, errandNumber: string, runningNumber: number, record: ArchiveRecord, files: PackageFile[]): void {
  const element = parent.ele('record', {
    systemIdentifier: record.key,
    recordType: record.recordType,
    recordPhysicalOrDigital: 'digitial',
  });
  element.ele('objectId').txt(`${errandNumber}:${runningNumber}`);
  element.ele('title').txt(record.title.sv);
  element.ele('otherTitle', { titleType: 'en' }).txt(record.title.en);
  element.ele('runningNumber').txt(String(runningNumber));
  element.ele('direction', { directionDefinition: DIRECTION[record.direction] });
  if (record.description) element.ele('description').txt(record.description);
  const dates = element.ele('dates');
  dates.ele('date', { dateType: DATE_OF_DIRECTION[record.direction] }).txt(iso(record.createdAt));
  if (record.decision) dates.ele('date', { dateType: 'decision' }).txt(iso(record.decision.decidedAt));

  const info = element.ele('additionalInformation');
  for (const file of files) {
    info.ele('appendix', {
      name: file.path.slice(file.path.lastIndexOf('/') + 1),
      path: file.path,
      fileFormat: file.mimeType,
      description: `SHA-256 ${file.sha256}`,
    });
  }
  const { decision, references = [] } = record;
  if (decision) ownElements(info, 'decision', (own) => decisionElements(own, decision));
  if (references.length > 0) {
    ownElements(info, 'documentReferences', (own) => {
      for (const reference of references) {
        const document = own.ele('ownElement', { name: 'document' });
        value(document, 'name', reference.name);
        if (reference.url) value(document, 'url', reference.url);
        if (reference.ref) value(document, 'ref', reference.ref);
        if (reference.checksum) value(document, 'checksum', reference.checksum);
      }
    });
  }
}

function decisionElements(own: XMLBuilder, decision: ArchiveDecision): void {
  value(own, 'outcome', decision.outcome);
  value(own, 'automated', String(decision.automated), 'boolean');
  if (decision.decidedBy) value(own, 'decidedBy', decision.decidedBy);
  if (decision.validFrom) value(own, 'validFrom', decision.validFrom, 'date');
  if (decision.validTo) value(own, 'validTo', decision.validTo, 'date');
  for (const reason of decision.reasons) {
    const element = own.ele('ownElement', { name: 'reason' });
    value(element, 'sv', reason.sv);
    value(element, 'en', reason.en);
  }
  for (const basis of decision.legalBasis) {
    const element = own.ele('ownElement', { name: 'legalBasis' });
    value(element, 'sfs', basis.sfs);
    if (basis.chapter) value(element, 'chapter', basis.chapter);
    if (basis.section) value(element, 'section', basis.section);
    if (basis.title) value(element, 'title', basis.title);
  }
  if (decision.appealInstructions) {
    const element = own.ele('ownElement', { name: 'appealInstructions' });
    value(element, 'sv', decision.appealInstructions.sv);
    value(element, 'en', decision.appealInstructions.en);
  }
}

/** ERMS's extension point: `<ownElement><ownElementDescription>…</ownElementDescription><ownElement name=…>…`. */
function ownElements(additionalInformation: XMLBuilder, description: string, fill: (own: XMLBuilder) => void): void {
  const own = additionalInformation.ele('ownElement');
  own.ele('ownElementDescription').txt(description);
  fill(own);
}

function value(parent: XMLBuilder, name: string, text: string, dataType = 'string'): void {
  parent.ele('ownElement', { name, dataType }).ele('value').txt(text);
}
