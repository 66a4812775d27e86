export * from './contract.js';
export * from './errors.js';
export * from './media-schemas.js';
export * from './reasons.js';
export * from './roles.js';
export * from './tokens.js';
