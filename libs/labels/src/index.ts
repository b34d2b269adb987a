export * from './label-set';
export * from './ranking';
