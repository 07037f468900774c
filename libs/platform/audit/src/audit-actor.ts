/**
 * Who did it, as every service names them in the audit trail: a kind and an id, so the steering
 * group and an auditor read one form whatever service wrote the entry.
 */
export const auditActor = {
  /** A person signed in as staff: their token subject. */
  staff: (subject: string): string => `staff:${subject}`,
  /** A municipal system calling with a service account: its client id. */
  service: (clientId: string): string => `service:${clientId}`,
  /** The platform's own automation: the job or rule set. */
  system: (name: string): string => `system:${name}`,
};
