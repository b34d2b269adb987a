export * from './redis';
export * from './docs';
export * from './shared-data';
