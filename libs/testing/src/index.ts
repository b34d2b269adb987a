export * from './redis';
export * from './shared-data';
