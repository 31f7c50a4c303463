/**
 * Venue decimal strings straight to integers, never through a float (DESIGN.md section 4):
 * prices to micros of a $1 payout ("0.5300" -> 530_000), sizes to hundredths of a contract ("640.55" -> 64_055).
 */
function parseFixed(text: string, scaleDigits: number, what: string): number {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new RangeError(`${what}: not a non-negative decimal string: ${JSON.stringify(text)}`);
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > scaleDigits) {
    throw new RangeError(`${what}: more than ${scaleDigits} decimal places: ${JSON.stringify(text)}`);
  }
  const value = Number(whole) * 10 ** scaleDigits + Number(significant.padEnd(scaleDigits, '0') || '0');
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what}: out of range: ${JSON.stringify(text)}`);
  return value;
}

export function parsePriceMicros(text: string): number {
  const micros = parseFixed(text, 6, 'price');
  if (micros > 1_000_000) throw new RangeError(`price: above $1: ${JSON.stringify(text)}`);
  return micros;
}

export function parseQuantityHundredths(text: string): number {
  return parseFixed(text, 2, 'quantity');
}
