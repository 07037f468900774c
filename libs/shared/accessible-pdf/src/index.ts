export { AccessiblePdf, assertPrintable, unprintableCharacters, UnprintableTextError } from './accessible-pdf';
export type { PdfDocumentInfo, TableColumn, TextOptions } from './accessible-pdf';
