export * from './redis';
export * from './docs';
export * from './service-process';
export * from './shared-data';
export * from './hostile-checkpoints';
export * from './hostile-images';
