export * from './api-client';
export * from './page-security';
export * from './languages';
export * from './page-cookies';
