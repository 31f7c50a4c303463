import { describe, expect, it } from 'vitest';
import {
  easternDateOf,
  easternTimeOf,
  parseKalshiGameTicker,
  parsePolymarketSlug,
} from '../../../shared/domain/matching/identifiers.ts';
import table from '../../../shared/domain/matching/team-aliases.json' with { type: 'json' };
import {
  buildTeamAliasLookup,
  type League,
  leagues,
  normalizeTeamText,
  teamAliases,
} from '../../../shared/domain/matching/team-aliases.ts';

const espn = (league: League, abbreviation: string) => teamAliases.league(league).byEspn(abbreviation);

describe('team alias table', () => {
  it.each([
    ['nba', 30],
    ['nfl', 32],
    ['nhl', 32],
    ['mlb', 30],
  ] as const)('has every %s team (%i)', (league, count) => {
    const teams = teamAliases.league(league).teams;
    expect(teams).toHaveLength(count);
    expect(new Set(teams.map((t) => t.espn)).size).toBe(count);
  });

  it.each([
    ['nba', 'GS', 'GSW', 'gsw'],
    ['nba', 'NY', 'NYK', 'nyk'],
    ['nba', 'NO', 'NOP', 'nop'],
    ['nba', 'SA', 'SAS', 'sas'],
    ['nba', 'UTAH', 'UTA', 'uta'],
    ['nba', 'WSH', 'WAS', 'was'],
    ['nfl', 'JAX', 'JAC', 'jax'],
    ['nfl', 'LAR', 'LA', 'lar'],
    ['nfl', 'WSH', 'WAS', 'was'],
    ['nhl', 'UTAH', 'UTA', 'utah'],
    ['nhl', 'VGK', 'VGK', 'las'],
    ['nhl', 'MTL', 'MTL', 'mon'],
    ['mlb', 'ARI', 'AZ', 'az'],
    ['mlb', 'CHW', 'CWS', 'cws'],
    ['mlb', 'WSH', 'WSH', 'wsh'],
  ] as const)('resolves ESPN %s %s to Kalshi %s and Polymarket %s', (league, abbr, kalshi, polymarket) => {
    const lookup = teamAliases.league(league);
    const team = lookup.byEspn(abbr);
    expect(team?.kalshi[0]).toBe(kalshi);
    expect(team?.polymarket).toContain(polymarket);
    expect(lookup.byKalshiCode(kalshi)).toBe(team);
    expect(lookup.byPolymarketCode(polymarket)).toBe(team);
  });

  it('resolves every code and name of every team back to that team, and a shared city to none', () => {
    for (const league of leagues) {
      const lookup = teamAliases.league(league);
      for (const team of lookup.teams) {
        for (const code of team.kalshi) expect(lookup.byKalshiCode(code)).toBe(team);
        for (const code of team.polymarket) expect(lookup.byPolymarketCode(code)).toBe(team);
        expect(lookup.byName(team.nickname)).toBe(team);
        expect(lookup.byName(`${team.city} ${team.nickname}`)).toBe(team);
      }
    }
    expect(teamAliases.league('nfl').byName('Los Angeles')).toBeUndefined();
    expect(teamAliases.league('nfl').byName('Los Angeles R')).toBe(espn('nfl', 'LAR'));
    expect(teamAliases.league('mlb').byName('Chicago WS')).toBe(espn('mlb', 'CHW'));
    expect(teamAliases.league('nba').byName('Denver')).toBe(espn('nba', 'DEN'));
  });

  it('normalizes to upper-case letters and digits', () => {
    expect(normalizeTeamText('St. Louis')).toBe('STLOUIS');
    expect(normalizeTeamText('Montréal')).toBe('MONTREAL');
    expect(normalizeTeamText(' 76ers ')).toBe('76ERS');
  });

  it('refuses a table where one code names two teams', () => {
    const broken = structuredClone(table);
    broken.leagues.nba.teams[1]!.kalshi = ['ATL'];
    expect(() => buildTeamAliasLookup(broken)).toThrow(/ATL names both/);
  });
});

describe('parseKalshiGameTicker', () => {
  it('reads the fixture ticker: series, date, away, home and the YES team', () => {
    const parsed = parseKalshiGameTicker('KXNBAGAME-26NOV14BOSDEN-DEN');
    expect(parsed).toEqual({
      ok: true,
      value: {
        series: 'KXNBAGAME',
        league: 'nba',
        date: '2026-11-14',
        away: espn('nba', 'BOS'),
        home: espn('nba', 'DEN'),
        team: espn('nba', 'DEN'),
      },
    });
  });

  it('reads an MLB time block and a doubleheader game number', () => {
    const timed = parseKalshiGameTicker('KXMLBGAME-26AUG111840CLEDET');
    expect(timed).toMatchObject({ ok: true, value: { date: '2026-08-11', startTimeEt: '18:40' } });
    if (timed.ok) expect([timed.value.away.espn, timed.value.home.espn]).toEqual(['CLE', 'DET']);
    const second = parseKalshiGameTicker('KXMLBGAME-25APR26BALDETG2-DET');
    expect(second).toMatchObject({ ok: true, value: { gameNumber: 2, date: '2025-04-26' } });
  });

  it('splits team codes with the table, not by length: LACAR is LA + CAR, LALAC is LA + LAC', () => {
    const rams = parseKalshiGameTicker('KXNFLGAME-26JAN10LACAR');
    expect(rams.ok && [rams.value.away.espn, rams.value.home.espn]).toEqual(['LAR', 'CAR']);
    const derby = parseKalshiGameTicker('KXNFLGAME-26OCT04LALAC-LAC');
    expect(derby.ok && [derby.value.away.espn, derby.value.home.espn, derby.value.team?.espn]).toEqual([
      'LAR',
      'LAC',
      'LAC',
    ]);
  });

  it('splits every pairing of every league one way only, whichever codes the table lists', () => {
    for (const league of leagues) {
      const { teams, config } = teamAliases.league(league);
      for (const away of teams) {
        for (const home of teams) {
          if (away === home) continue;
          for (const a of away.kalshi) {
            for (const h of home.kalshi) {
              const parsed = parseKalshiGameTicker(`${config.kalshiGameSeries}-26NOV14${a}${h}`);
              expect(parsed.ok && [parsed.value.away, parsed.value.home], `${league} ${a}${h}`).toEqual([away, home]);
            }
          }
        }
      }
    }
  });

  it.each([
    ['KXNBA1HWINNER-26NOV14BOSDEN-DEN', /not a game-winner series/],
    ['KXNBAGAME-26NOV31BOSDEN-DEN', /no valid date/],
    ['KXNBAGAME-26NOV14BOSXYZ-BOS', /not two nba teams/],
    ['KXNBAGAME-26NOV14BOSDEN-LAL', /neither team/],
    ['KXNBAGAME-26NOV142561BOSDEN', /no valid start time/],
    ['KXNBAGAME', /SERIES-EVENT/],
  ])('refuses %s', (ticker, reason) => {
    const parsed = parseKalshiGameTicker(ticker);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});

describe('parsePolymarketSlug', () => {
  it('reads league, teams in slug order and date', () => {
    expect(parsePolymarketSlug('nba-bos-den-2026-11-14')).toEqual({
      ok: true,
      value: { league: 'nba', date: '2026-11-14', first: espn('nba', 'BOS'), second: espn('nba', 'DEN') },
    });
  });

  it('keeps what follows the date as the market type suffix', () => {
    expect(parsePolymarketSlug('nba-bos-den-2026-11-14-spread-home-4pt5')).toMatchObject({
      ok: true,
      value: { suffix: 'spread-home-4pt5' },
    });
    expect(parsePolymarketSlug('mlb-wsh-det-2026-09-23-total-7pt5')).toMatchObject({
      ok: true,
      value: { suffix: 'total-7pt5', first: espn('mlb', 'WSH') },
    });
  });

  it.each([
    ['aec-nfl-jax-cin-2026-10-04', /not a league/],
    ['nba-bos-xyz-2026-11-14', /xyz is not a nba team/],
    ['nba-bos-den-2026-02-30', /no valid date/],
    ['nba-bos-bos-2026-11-14', /one team twice/],
    ['will-boston-win', /not LEAGUE-TEAM-TEAM/],
  ])('refuses %s', (slug, reason) => {
    const parsed = parsePolymarketSlug(slug);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});

describe('US-Eastern dates', () => {
  it('puts a 9 PM ET tip-off on its Eastern day, in and out of daylight saving', () => {
    expect(easternDateOf(Date.parse('2026-11-15T02:00:00Z'))).toBe('2026-11-14');
    expect(easternTimeOf(Date.parse('2026-11-15T02:00:00Z'))).toBe('21:00');
    expect(easternDateOf(Date.parse('2026-09-15T00:15:00Z'))).toBe('2026-09-14');
    expect(easternDateOf(Date.parse('2026-09-15T04:00:00Z'))).toBe('2026-09-15');
  });
});
