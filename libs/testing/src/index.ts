export * from './docs';
export * from './free-port';
export * from './hostile-checkpoints';
export * from './hostile-images';
export * from './redis';
export * from './service-process';
export * from './shared-data';
export * from './stand-in-worker';
