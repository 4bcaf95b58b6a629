export * from './account.js';
export * from './errors.js';
export * from './message.js';
export * from './validate.js';
