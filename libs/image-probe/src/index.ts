export * from './dimensions';
export * from './formats';
export * from './limits';
