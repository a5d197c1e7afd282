import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

/** Compares digests, so neither the token's length nor its prefix leaks through timing. */
function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** `Authorization: Bearer <token>` or 401; `variable` names where the token is configured. */
export function bearerAuth(token: string, variable: string): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    if (match && sameToken(match[1]!, token)) return next();
    res
      .set('WWW-Authenticate', 'Bearer realm="jitbot"')
      .status(401)
      .json({ error: `unauthorized: send Authorization: Bearer <${variable}>` });
  };
}

/** Whether a socket's peer is this machine (IPv4, IPv6, or IPv4 mapped into IPv6). */
export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (/^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address));
}

/** Only clients on this machine; anyone else gets 403 naming `variable`, the way to open it up. */
export function loopbackOnly(variable: string): RequestHandler {
  return (req, res, next) => {
    if (isLoopback(req.socket.remoteAddress)) return next();
    res.status(403).json({
      error: `forbidden: only clients on this machine, unless ${variable} is set (then send Authorization: Bearer <${variable}>)`,
    });
  };
}
