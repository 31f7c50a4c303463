import { keccak_256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import {
  addressOf,
  bytesToHex,
  recoverAddress,
  signDigest,
  typedDataDigest,
} from '../../../shared/adapters/crypto/eip712.ts';

/** The worked example of EIP-712 itself (eips.ethereum.org/EIPS/eip-712, Example.js): key keccak256("cow"). */
describe('EIP-712 typed data', () => {
  const types = {
    Person: [
      { name: 'name', type: 'string' },
      { name: 'wallet', type: 'address' },
    ],
    Mail: [
      { name: 'from', type: 'Person' },
      { name: 'to', type: 'Person' },
      { name: 'contents', type: 'string' },
    ],
  };
  const domain = {
    name: 'Ether Mail',
    version: '1',
    chainId: 1,
    verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC',
  };
  const message = {
    from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' },
    to: { name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' },
    contents: 'Hello, Bob!',
  };
  const key = bytesToHex(keccak_256(new TextEncoder().encode('cow')));

  it('hashes and signs as the standard says', () => {
    const digest = typedDataDigest(domain, 'Mail', message, types);
    expect(bytesToHex(digest)).toBe('0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2');
    expect(addressOf(key)).toBe('0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826');
    const signature = signDigest(digest, key);
    expect(signature).toBe(
      '0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b915621c',
    );
    expect(recoverAddress(digest, signature)).toBe(addressOf(key));
  });
});
