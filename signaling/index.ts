export * from './contract.js';
export * from './errors.js';
export * from './media-schemas.js';
export * from './roles.js';
export * from './tokens.js';
