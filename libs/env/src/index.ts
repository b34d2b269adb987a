export { bool, host, str } from 'envalid';
export * from './listen-error';
export * from './parse-env';
export * from './process-lifecycle';
export * from './redis-reconnect';
export * from './shared-env';
