/** The session cookie's attributes, the same wherever it is set or removed with them. */
export function sessionCookieOptions(secure: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };
}
