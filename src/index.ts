// Public API of normalcy.
export { packageVersion } from './version.js';
