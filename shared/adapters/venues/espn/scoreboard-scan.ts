/**
 * An ESPN scoreboard read off its raw text by `RawScan`: the few fields `parseEspnScoreboard` uses (event id and
 * date, each competition's competitors and status), everything else stepped over and checked, into the shape its
 * zod schema gives. A scoreboard is some 8 kB of which the shard reads a few hundred bytes, and JSON.parse plus the
 * schema cost it tens of microseconds a poll. Anything the scanner is not sure of gives undefined and the schema
 * decides, errors included (test/unit/venues/espn-scoreboard-scan.test.ts holds the two to agreement).
 */
import { BAIL, type RawScan, scanWith } from '../raw-scan.ts';
import type { EspnScoreboard } from './wire.ts';

type Event = EspnScoreboard['events'][number];
type Competition = Event['competitions'][number];
type Competitor = Competition['competitors'][number];
type Status = Competition['status'];

const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;

/**
 * Reads the members of an object, the keys in `names` (the order ESPN writes them, tried in turn) through `read`,
 * any other key stepped over; a key read twice leaves the frame to JSON.parse, where the last one would win.
 */
function members(s: RawScan, names: readonly string[], read: (k: number) => void): void {
  let seen = 0;
  let next = 0;
  s.expect(OPEN_OBJECT);
  if (s.take(CLOSE_OBJECT)) return;
  do {
    const k = s.key(names, next);
    if (k < 0) {
      s.skip(1);
      continue;
    }
    if (seen & (1 << k)) throw BAIL;
    seen |= 1 << k;
    next = k + 1;
    read(k);
  } while (s.more(CLOSE_OBJECT));
}

function elements<T>(s: RawScan, read: () => T): T[] {
  const out: T[] = [];
  s.expect(OPEN_ARRAY);
  if (s.take(CLOSE_ARRAY)) return out;
  do out.push(read());
  while (s.more(CLOSE_ARRAY));
  return out;
}

function nonEmpty(s: RawScan): string {
  const text = s.text();
  if (text === '') throw BAIL;
  return text;
}

const TEAM_KEYS = ['id', 'uid', 'location', 'name', 'abbreviation', 'displayName'];

function team(s: RawScan): Competitor['team'] {
  let id: string | undefined;
  let abbreviation: string | undefined;
  let displayName: string | undefined;
  members(s, TEAM_KEYS, (k) => {
    if (k === 0) id = nonEmpty(s);
    else if (k === 4) abbreviation = nonEmpty(s);
    else if (k === 5) displayName = s.text();
    else s.skip(1);
  });
  if (id === undefined || abbreviation === undefined || displayName === undefined) throw BAIL;
  return { id, abbreviation, displayName };
}

const COMPETITOR_KEYS = ['id', 'uid', 'type', 'order', 'homeAway', 'team', 'score'];
const SCORE = /^\d{1,4}$/;

function competitor(s: RawScan): Competitor {
  let homeAway: 'home' | 'away' | undefined;
  let score: string | undefined;
  let teamRead: Competitor['team'] | undefined;
  members(s, COMPETITOR_KEYS, (k) => {
    if (k === 4) {
      s.string();
      if (s.is('home')) homeAway = 'home';
      else if (s.is('away')) homeAway = 'away';
      else throw BAIL;
    } else if (k === 5) {
      teamRead = team(s);
    } else if (k === 6) {
      score = s.text();
      if (!SCORE.test(score)) throw BAIL;
    } else {
      s.skip(1);
    }
  });
  if (homeAway === undefined || teamRead === undefined) throw BAIL;
  return score === undefined ? { homeAway, team: teamRead } : { homeAway, score, team: teamRead };
}

const STATUS_KEYS = ['clock', 'displayClock', 'period', 'type'];
const TYPE_KEYS = ['id', 'name', 'state', 'completed'];

function statusType(s: RawScan): Status['type'] {
  let name: string | undefined;
  let state: Status['type']['state'] | undefined;
  let completed: boolean | undefined;
  members(s, TYPE_KEYS, (k) => {
    if (k === 1) {
      name = s.text();
    } else if (k === 2) {
      s.string();
      if (s.is('pre')) state = 'pre';
      else if (s.is('in')) state = 'in';
      else if (s.is('post')) state = 'post';
      else throw BAIL;
    } else if (k === 3) {
      completed = s.boolean();
    } else {
      s.skip(1);
    }
  });
  if (name === undefined || state === undefined || completed === undefined) throw BAIL;
  return { state, completed, name };
}

function status(s: RawScan): Status {
  let clock: number | undefined;
  let period: number | undefined;
  let type: Status['type'] | undefined;
  members(s, STATUS_KEYS, (k) => {
    if (k === 0) {
      clock = s.number();
      if (!(clock >= 0)) throw BAIL;
    } else if (k === 2) {
      period = s.number();
      if (!Number.isInteger(period) || period < 0) throw BAIL;
    } else if (k === 3) {
      type = statusType(s);
    } else {
      s.skip(1);
    }
  });
  if (clock === undefined || period === undefined || type === undefined) throw BAIL;
  return { clock, period, type };
}

const COMPETITION_KEYS = [
  'id',
  'uid',
  'date',
  'type',
  'timeValid',
  'neutralSite',
  'conferenceCompetition',
  'playByPlayAvailable',
  'recent',
  'competitors',
  'notes',
  'status',
];

function competition(s: RawScan): Competition {
  let competitors: Competitor[] | undefined;
  let statusRead: Status | undefined;
  members(s, COMPETITION_KEYS, (k) => {
    if (k === 9) competitors = elements(s, () => competitorAt(s));
    else if (k === 11) statusRead = status(s);
    else s.skip(1);
  });
  // Two competitors, one home and one away: anything else is the schema's (and its error's) to say.
  if (competitors?.length !== 2 || statusRead === undefined) throw BAIL;
  if (competitors[0]?.homeAway === competitors[1]?.homeAway) throw BAIL;
  return { competitors, status: statusRead };
}

const EVENT_KEYS = ['id', 'uid', 'date', 'name', 'shortName', 'season', 'competitions'];

function event(s: RawScan): Event {
  let id: string | undefined;
  let date: string | undefined;
  let competitions: Competition[] | undefined;
  members(s, EVENT_KEYS, (k) => {
    if (k === 0) {
      id = nonEmpty(s);
    } else if (k === 2) {
      date = s.text();
      if (!Number.isFinite(Date.parse(date))) throw BAIL;
    } else if (k === 6) {
      competitions = elements(s, () => competition(s));
    } else {
      s.skip(1);
    }
  });
  if (id === undefined || date === undefined || competitions === undefined || competitions.length === 0) throw BAIL;
  return { id, date, competitions };
}

/** A value read at one place of a scoreboard, with its raw text. */
interface Read<T> {
  text: string;
  value: T;
}

/**
 * The last scoreboard scanned with it: its events and, by event place, its competitors, each with its raw text. A
 * poll mostly repeats the games not in play character for character, and a game in play mostly its teams: a value
 * whose text is the one at its place last time reads as it read then (a value hangs on its own text alone, and a
 * JSON value ends where its text says), so only what moved is scanned again. One memo per stream of polls (an ESPN
 * path); a scan that bails leaves it as it was.
 */
export interface ScoreboardMemo {
  events: Read<Event>[];
  competitors: Read<Competitor>[][];
}

export const newScoreboardMemo = (): ScoreboardMemo => ({ events: [], competitors: [] });

/** The value at the cursor: the one read before when the text there is the same, else read afresh. */
function reread<T>(s: RawScan, before: Read<T> | undefined, read: () => T): Read<T> {
  s.peek();
  const start = s.pos;
  // A substring compared whole (a slice and a memcmp): startsWith goes character by character here.
  if (before !== undefined && s.raw.substring(start, start + before.text.length) === before.text) {
    s.pos = start + before.text.length;
    return before;
  }
  const value = read();
  return { text: s.raw.slice(start, s.pos), value };
}

/** The competitors of the event being read, in order, and those of its place in the last scan (set per event). */
let competitorsBefore: Read<Competitor>[] | undefined;
let competitorsRead: Read<Competitor>[] = [];

function competitorAt(s: RawScan): Competitor {
  const read = reread(s, competitorsBefore?.[competitorsRead.length], () => competitor(s));
  competitorsRead.push(read);
  return read.value;
}

const ROOT_KEYS = ['leagues', 'season', 'day', 'events'];

function eventsOf(s: RawScan, memo: ScoreboardMemo | undefined, next: ScoreboardMemo): Event[] {
  s.expect(OPEN_ARRAY);
  if (s.take(CLOSE_ARRAY)) return [];
  do {
    const i = next.events.length;
    const before = memo?.events[i];
    competitorsBefore = memo?.competitors[i];
    competitorsRead = [];
    const read = reread(s, before, () => event(s));
    next.events.push(read);
    next.competitors.push(read === before ? (competitorsBefore ?? []) : competitorsRead);
  } while (s.more(CLOSE_ARRAY));
  return next.events.map((e) => e.value);
}

function scoreboard(s: RawScan, memo: ScoreboardMemo | undefined): { events: Event[]; memo: ScoreboardMemo } {
  let events: Event[] | undefined;
  const next = newScoreboardMemo();
  members(s, ROOT_KEYS, (k) => {
    if (k === 3) events = eventsOf(s, memo, next);
    else s.skip(1);
  });
  if (events === undefined) throw BAIL;
  return { events, memo: next };
}

/**
 * The scoreboard's fields read off its raw text, or undefined: "ask JSON.parse and the schema". With `memo`, what
 * is unchanged since the last scan with it is taken from it, and it then holds this scoreboard's.
 */
export function scanEspnScoreboard(raw: string, memo?: ScoreboardMemo): EspnScoreboard | undefined {
  const read = scanWith(raw, (s) => scoreboard(s, memo));
  if (read === undefined) return undefined;
  if (memo) {
    memo.events = read.memo.events;
    memo.competitors = read.memo.competitors;
  }
  return { events: read.events };
}
