export * from './errors';
export * from './jobs';
export * from './queue';
export * from './result';
export * from './workers';
