/**
 * EIP-712 typed-data hashing and signing over @noble/curves (secp256k1) and @noble/hashes (keccak-256): the ~100
 * lines of it Polymarket's CLOB V2 orders need, instead of viem or ethers (and @polymarket/clob-client-v2, which
 * brings both). Struct types may nest; atomic types are uintN/intN, address, bool, bytes32 (bytesN), string, bytes.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';

export type TypedField = { name: string; type: string };
export type TypedTypes = Record<string, readonly TypedField[]>;
export type TypedValue = string | number | bigint | boolean | { [key: string]: TypedValue };

export interface TypedDomain {
  name: string;
  version: string;
  chainId: number;
  verifyingContract: string;
}

const DOMAIN_TYPE: readonly TypedField[] = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
  { name: 'verifyingContract', type: 'address' },
];

const utf8 = (text: string) => new TextEncoder().encode(text);

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new RangeError(`not hex: ${hex}`);
  return Uint8Array.from(clean.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
}

export function bytesToHex(bytes: Uint8Array): string {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function word(value: bigint): Uint8Array {
  const twos = value < 0n ? (1n << 256n) + value : value;
  if (twos < 0n || twos >= 1n << 256n) throw new RangeError(`${value} does not fit 256 bits`);
  return hexToBytes(twos.toString(16).padStart(64, '0'));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `Order(uint256 salt,...)` followed by the referenced struct types, sorted by name (EIP-712 encodeType). */
function encodeType(primary: string, types: TypedTypes): string {
  const deps = new Set<string>();
  const visit = (name: string) => {
    for (const field of types[name] ?? []) {
      const base = field.type.replace(/\[\d*\]$/, '');
      if (types[base] && !deps.has(base) && base !== primary) {
        deps.add(base);
        visit(base);
      }
    }
  };
  visit(primary);
  const one = (name: string) => `${name}(${types[name]!.map((f) => `${f.type} ${f.name}`).join(',')})`;
  return [primary, ...[...deps].sort()].map(one).join('');
}

function encodeValue(type: string, value: TypedValue, types: TypedTypes): Uint8Array {
  if (types[type]) return hashStruct(type, value as Record<string, TypedValue>, types);
  if (type === 'string') return keccak_256(utf8(String(value)));
  if (type === 'bytes') return keccak_256(hexToBytes(String(value)));
  if (type === 'bool') return word(value ? 1n : 0n);
  if (type === 'address') return word(BigInt(String(value)));
  if (/^bytes\d+$/.test(type)) {
    const bytes = hexToBytes(String(value));
    return concat([bytes, new Uint8Array(32 - bytes.length)]);
  }
  if (/^u?int\d*$/.test(type)) return word(BigInt(value as string | number | bigint));
  throw new RangeError(`EIP-712 type ${type} is not supported`);
}

export function hashStruct(primary: string, data: Record<string, TypedValue>, types: TypedTypes): Uint8Array {
  const fields = types[primary];
  if (!fields) throw new RangeError(`unknown struct type ${primary}`);
  return keccak_256(
    concat([
      keccak_256(utf8(encodeType(primary, types))),
      ...fields.map((f) => {
        const value = data[f.name];
        if (value === undefined) throw new RangeError(`${primary}.${f.name} is missing`);
        return encodeValue(f.type, value, types);
      }),
    ]),
  );
}

/** The digest a wallet signs: keccak256(0x1901 || domainSeparator || hashStruct(message)). */
export function typedDataDigest(
  domain: TypedDomain,
  primary: string,
  message: Record<string, TypedValue>,
  types: TypedTypes,
): Uint8Array {
  const separator = hashStruct('EIP712Domain', { ...domain }, { ...types, EIP712Domain: DOMAIN_TYPE });
  return keccak_256(concat([Uint8Array.of(0x19, 0x01), separator, hashStruct(primary, message, types)]));
}

/** A 65-byte Ethereum signature r || s || v (v = 27 + recovery id), as hex. */
export function signDigest(digest: Uint8Array, privateKeyHex: string): string {
  const recovered = secp256k1.sign(digest, hexToBytes(privateKeyHex), { prehash: false, format: 'recovered' });
  return bytesToHex(concat([recovered.slice(1), Uint8Array.of(27 + recovered[0]!)]));
}

/** The checksum-free lower-case address of a private key: the last 20 bytes of keccak256 of the public key. */
export function addressOf(privateKeyHex: string): string {
  const publicKey = secp256k1.getPublicKey(hexToBytes(privateKeyHex), false);
  return bytesToHex(keccak_256(publicKey.slice(1)).slice(12));
}

/** The address that signed `digest` (65-byte r || s || v signature). */
export function recoverAddress(digest: Uint8Array, signatureHex: string): string {
  const sig = hexToBytes(signatureHex);
  const recovered = concat([Uint8Array.of(sig[64]! - 27), sig.slice(0, 64)]);
  const publicKey = secp256k1.recoverPublicKey(recovered, digest, { prehash: false });
  const point = secp256k1.Point.fromBytes(publicKey).toBytes(false);
  return bytesToHex(keccak_256(point.slice(1)).slice(12));
}
