/** Input checks shared by the domain functions: each throws a RangeError that names the bad argument. */

export function assertFinite(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
  }
}

export function assertSafeInteger(
  name: string,
  value: number,
  min = Number.MIN_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new RangeError(`${name} must be a safe integer, got ${String(value)}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`${name} must be between ${min} and ${max}, got ${value}`);
  }
}

/** A finite number in [min, max]; `exclusive` drops either bound. */
export function assertInRange(
  name: string,
  value: number,
  min: number,
  max: number,
  exclusive: { min?: boolean; max?: boolean } = {},
): void {
  assertFinite(name, value);
  const belowMin = exclusive.min ? value <= min : value < min;
  const aboveMax = exclusive.max ? value >= max : value > max;
  if (belowMin || aboveMax) {
    const lower = exclusive.min ? '(' : '[';
    const upper = exclusive.max ? ')' : ']';
    throw new RangeError(`${name} must be in ${lower}${min}, ${max}${upper}, got ${value}`);
  }
}

export function assertProbability(name: string, value: number): void {
  assertInRange(name, value, 0, 1);
}
