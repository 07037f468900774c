export * from './contribution';
export * from './errors';
export * from './archived-case';
export { packageId, PACKAGE_SCHEMAS, SIP_PROFILE, CONTENT_INFORMATION_TYPE, ERMS_PATH, PREMIS_PATH } from './package-layout';
export type { PackageFile } from './package-layout';
export * from './sip-package';
export * from './package-validation';
export * from './case-archive-export';
export * from './closed-period';
