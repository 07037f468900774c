// Mina meddelanden's protocol (SOAP 1.1, DIGG's v3 contract): the adapter, and what the
// simulator and the contract tests use to read and answer the same messages.
export * from './namespaces';
export { ContractViolation, parseXml, serialize } from './xml';
export * from './signature';
export * from './faults';
export * from './messages';
export { soapBodyElement, soapEnvelope, applicationFaultEnvelope, readFault, callSoap } from './soap';
export type { ApplicationFault } from './soap';
export * from './credentials';
export { MinaMeddelandenOperator, minaMeddelandenId, isAdult } from './mina-meddelanden-operator';
export type { MinaMeddelandenOptions } from './mina-meddelanden-operator';
