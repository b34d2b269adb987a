export * from './errors';
export * from './queue';
export * from './result';
