/**
 * A valid personnummer of a child: born ten years before `now`, serial `serial` (0-999). The
 * shared test numbers are all adults; Mina meddelanden's age rule needs a real minor's number,
 * because the sender computes the age from it (the Recipient service does not say).
 */
export function minorPersonnummer(serial: number, now = new Date()): string {
  const born = new Date(Date.UTC(now.getUTCFullYear() - 10, now.getUTCMonth(), Math.min(now.getUTCDate(), 28)));
  const yymmdd = born.toISOString().slice(2, 10).replace(/-/g, '');
  const payload = `${yymmdd}${String(serial).padStart(3, '0')}`;
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    const product = Number(payload[i]) * (i % 2 === 0 ? 2 : 1);
    sum += product > 9 ? product - 9 : product;
  }
  return `${born.getUTCFullYear().toString().slice(0, 2)}${payload}${(10 - (sum % 10)) % 10}`;
}
