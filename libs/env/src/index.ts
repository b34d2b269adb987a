export { bool, host, str } from 'envalid';
export * from './parse-env';
export * from './process-lifecycle';
export * from './shared-env';
