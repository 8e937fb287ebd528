/** "camille.martin@exemple.fr" → "c***@exemple.fr": logs never carry a full address. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
