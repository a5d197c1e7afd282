import type { NextFunction, Request, Response } from 'express';
import { isLoopback, loopbackOnly } from '../../../src/http/access-guards';

/** `/metrics` without JIT_METRICS_TOKEN: only this machine may read it. */
describe('loopbackOnly', () => {
  function call(remoteAddress: string | undefined): { status?: number; next: boolean } {
    const out: { status?: number; next: boolean } = { next: false };
    const res = { status: (s: number) => ((out.status = s), res), json: () => res } as unknown as Response;
    loopbackOnly('JIT_METRICS_TOKEN')({ socket: { remoteAddress } } as Request, res, (() => (out.next = true)) as NextFunction);
    return out;
  }

  it.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])('lets %s through', (address) => {
    expect(isLoopback(address)).toBe(true);
    expect(call(address)).toEqual({ next: true });
  });

  it.each(['10.0.0.5', '192.168.1.2', '::ffff:10.0.0.5', 'fe80::1', undefined])('answers %s with 403', (address) => {
    expect(call(address)).toEqual({ next: false, status: 403 });
  });
});
