/** The events every demo book lists, with the same ids, so a worker can line them up across books. */
export interface DemoTeam {
  /** ESPN abbreviation, as the pairing key uses it. */
  abbreviation: string;
  name: string;
}

export interface DemoEvent {
  id: string;
  league: 'nba';
  away: DemoTeam;
  home: DemoTeam;
  startsAt: string;
  /** The same on every book: books differ only by their seeded noise and pins. */
  fairHomeProbability: number;
}

export const DEMO_EVENTS: readonly DemoEvent[] = [
  {
    id: 'bos-at-den',
    league: 'nba',
    away: { abbreviation: 'BOS', name: 'Boston Celtics' },
    home: { abbreviation: 'DEN', name: 'Denver Nuggets' },
    startsAt: '2026-11-15T02:00:00.000Z',
    fairHomeProbability: 0.55,
  },
  {
    id: 'lal-at-gsw',
    league: 'nba',
    away: { abbreviation: 'LAL', name: 'Los Angeles Lakers' },
    home: { abbreviation: 'GSW', name: 'Golden State Warriors' },
    startsAt: '2026-11-15T03:30:00.000Z',
    fairHomeProbability: 0.48,
  },
  {
    id: 'ny-at-mia',
    league: 'nba',
    away: { abbreviation: 'NY', name: 'New York Knicks' },
    home: { abbreviation: 'MIA', name: 'Miami Heat' },
    startsAt: '2026-11-15T00:30:00.000Z',
    fairHomeProbability: 0.52,
  },
];

export function eventById(id: string): DemoEvent | undefined {
  return DEMO_EVENTS.find((event) => event.id === id);
}
