export { bool, host, port, str } from 'envalid';
export * from './parse-env';
