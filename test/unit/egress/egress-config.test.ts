import { describe, expect, it } from 'vitest';
import { egressFromConfig, egressProxyList } from '#adapters/egress/dispatcher';
import { createEligibilityGate, EligibilityCheckFailed } from '#adapters/egress/eligibility';
import { egressConfig, loadConfig } from '#config/env';

describe('egress config', () => {
  it('reads EGRESS_PROXY_URLS in order, and EGRESS_PROXY_URL as a one-entry list', () => {
    const many = loadConfig(egressConfig, {
      env: { EGRESS_PROXY_URLS: 'http://a:8888, http://b:8888', EGRESS_PROXY_URL: 'http://c:8888' },
    });
    expect(egressProxyList(many)).toEqual(['http://a:8888', 'http://b:8888']);
    expect(egressProxyList(loadConfig(egressConfig, { env: { EGRESS_PROXY_URL: 'http://c:8888' } }))).toEqual([
      'http://c:8888',
    ]);
    expect(egressFromConfig(loadConfig(egressConfig, { env: {} }))).toBeUndefined();
  });

  it('refuses a bad URL in the list and a probe interval that leaves no room inside the bound', () => {
    expect(() => loadConfig(egressConfig, { env: { EGRESS_PROXY_URLS: 'http://a:8888,not a url' } })).toThrow(
      /EGRESS_PROXY_URLS/,
    );
    expect(() =>
      loadConfig(egressConfig, { env: { EGRESS_PROBE_INTERVAL_MS: '5000', EGRESS_FAILOVER_WITHIN_MS: '5000' } }),
    ).toThrow(/EGRESS_PROBE_INTERVAL_MS/);
  });
});

describe('eligibility gate', () => {
  it('is ineligible until a check passes, and for a venue with no check', async () => {
    const gate = createEligibilityGate({ venues: { kalshi: async () => true } });
    expect(gate.isEligible('kalshi')).toBe(false);
    await gate.check();
    expect(gate.isEligible('kalshi')).toBe(true);
    expect(gate.isEligible('polymarket')).toBe(false);
    expect(() => gate.assertEligible('polymarket')).toThrow(/venue ineligible/);
  });

  it('keeps the newer verdict when an older check finishes last, and reports each change once', async () => {
    const releases: ((ok: boolean) => void)[] = [];
    const changes: [string, boolean, string | undefined][] = [];
    const gate = createEligibilityGate({
      venues: { kalshi: () => new Promise<boolean>((resolve) => releases.push(resolve)) },
      onChange: (s) => changes.push([s.venue, s.eligible, s.reason]),
    });
    const older = gate.check('kalshi');
    const newer = gate.check('kalshi');
    releases[1]?.(false);
    await newer;
    releases[0]?.(true);
    await older;
    expect(gate.isEligible('kalshi')).toBe(false);
    expect(changes).toEqual([['kalshi', false, 'check_failed']]);
  });

  it("names the venue's reason", async () => {
    const gate = createEligibilityGate({
      venues: {
        polymarket: async () => {
          throw new EligibilityCheckFailed('blocked: US-CO');
        },
      },
    });
    const [state] = await gate.check('polymarket');
    expect(state).toMatchObject({ venue: 'polymarket', eligible: false, reason: 'blocked: US-CO' });
  });
});
