/** A loopback port nothing listens on right now (for servers the tests start). */
export { freeLoopbackPort as freePort } from '../../src/lib/ports';
