/**
 * Mina meddelanden's XML namespaces (contract/ holds the published WSDL and XSD files). An
 * element's namespace is that of the schema that declares it (elementFormDefault="qualified"),
 * so one message mixes several: e.g. SecureDelivery/Header (Message/v3) holds Sender (Message/v2)
 * whose Id and Name are in the Sender namespace.
 */
export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  /** Exclusive C14N's InclusiveNamespaces parameter. */
  ec: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  recipient: 'http://minameddelanden.gov.se/schema/Recipient',
  recipientV3: 'http://minameddelanden.gov.se/schema/Recipient/v3',
  sender: 'http://minameddelanden.gov.se/schema/Sender',
  message: 'http://minameddelanden.gov.se/schema/Message',
  messageV2: 'http://minameddelanden.gov.se/schema/Message/v2',
  messageV3: 'http://minameddelanden.gov.se/schema/Message/v3',
  service: 'http://minameddelanden.gov.se/schema/Service',
  serviceV3: 'http://minameddelanden.gov.se/schema/Service/v3',
  commonV3: 'http://minameddelanden.gov.se/schema/Common/v3',
} as const;

/** The only language the operators take. */
export const LANGUAGE = 'svSE';
/** isReachable takes at most this many recipient ids (Recipient/v3 isReachable, maxOccurs). */
export const MAX_RECIPIENTS_PER_CALL = 1000;
/** A message with its attachments may be at most 2 MB (DIGG's limit for deliverSecure). */
export const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;
export const BODY_CONTENT_TYPES = ['text/plain', 'text/html'] as const;
export const SUBJECT_MAX = 255;
export const SUPPORT_TEXT_MAX = 1024;

/** Where the digital-mail simulator answers the Recipient service (its operators' services are under /mina-meddelanden/service/<operator>). */
export const SIMULATOR_RECIPIENT_PATH = '/mina-meddelanden/Recipient/v3';

/** The mailbox operators connected to Mina meddelanden (DIGG); a member delivers through these unless tenant.yaml says otherwise. */
export const KNOWN_OPERATORS = ['Kivra', 'Min myndighetspost', 'Billo', 'Fortnox'];
