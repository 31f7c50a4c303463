import uPlot from 'uplot';
import type * as trading from '../../../shared/api/trading.ts';
import type { KillSwitchView } from '../../../shared/contracts/api/kill-switch.ts';
import { drawdownBps } from '../../../shared/domain/drawdown.ts';
import { contractsOf, formatDollars } from '../../../shared/domain/units.ts';
import type { Percentiles, RunStatus } from '../run-status.ts';
import { Api, ApiError } from './api.ts';

/**
 * The local dashboard: every 1.5 s it reads the HTTP API (signals, positions, markets, games, bankroll history, kill switch)
 * and the run status of this process, and redraws. Each panel stands alone: one that cannot load says so.
 */
type ItemOf<F> = F extends (...args: never[]) => Promise<{ items: (infer I)[] }> ? I : never;
type Signal = ItemOf<typeof trading.listSignals>;
type Position = ItemOf<typeof trading.listPositions>;
type Market = ItemOf<typeof trading.listMarkets>;
type Game = ItemOf<typeof trading.listGames>;
type BankrollChange = ItemOf<typeof trading.listBankrollHistory>;

const REFRESH_MS = 1500;
const LATEST_SIGNALS = 25;
const REFERENCE_EVERY_REFRESHES = 10;
/** A lone point gets a minute either side, so the time axis reads as clock time. */
const LONE_POINT_SPAN_SEC = 60;

interface Cell {
  text: string;
  className?: string;
}

const api = new Api();
const signals = new Map<string, Signal>();
let signalsSince: string | undefined;
const markets = new Map<string, Market>();
const games = new Map<string, Game>();
/** The paper bankroll's history from the API: one point per balance version (every change bumps it). */
const bankrollPoints = new Map<number, { atSec: number; balanceMicros: number }>();
let bankrollSince: string | undefined;
let chart: uPlot | undefined;
let killSwitch: KillSwitchView | undefined;
/** Bumped by each change from the button: a read that began before it may be older than the change, and is dropped. */
let killSwitchWrites = 0;
let principal: { sub: string; role: string } | undefined;
let refreshes = 0;

declare global {
  interface Window {
    sharplineDashboard: {
      /** The bankroll chart's data as uPlot holds it: [x seconds[], balance micros[]]. */
      bankrollData(): number[][];
      refreshes(): number;
    };
  }
}

window.sharplineDashboard = {
  bankrollData: () => (chart ? chart.data.map((series) => Array.from(series as ArrayLike<number>)) : [[], []]),
  refreshes: () => refreshes,
};

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`missing #${id}`);
  return element as T;
}

function panelEmpty(panelId: string, message: string | undefined): void {
  const empty = byId(panelId).querySelector<HTMLElement>('.empty');
  if (!empty) return;
  empty.hidden = message === undefined;
  empty.textContent = message ?? '';
}

function fill(tbodyId: string, rows: Cell[][]): void {
  const body = byId<HTMLTableSectionElement>(tbodyId);
  body.replaceChildren(
    ...rows.map((cells) => {
      const tr = document.createElement('tr');
      for (const cell of cells) {
        const td = document.createElement('td');
        td.textContent = cell.text;
        if (cell.className) td.className = cell.className;
        tr.append(td);
      }
      return tr;
    }),
  );
}

const text = (value: string, className?: string): Cell => (className ? { text: value, className } : { text: value });
const num = (value: string, extra = ''): Cell => ({ text: value, className: `num ${extra}`.trim() });
const money = (micros: number): Cell =>
  num(formatDollars(micros), micros > 0 ? 'positive' : micros < 0 ? 'negative' : '');
const time = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString() : '–');
const contracts = (hundredths: number) => contractsOf(hundredths).toFixed(2);

function noData(error: unknown): string {
  if (error instanceof ApiError) return `no data (${error.status} ${error.code})`;
  return 'no data';
}

/** Runs one panel's refresh; a failure shows on that panel alone. */
async function panel(panelId: string, work: () => Promise<void>): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error) {
    panelEmpty(panelId, noData(error));
    return false;
  }
}

function gameLabel(gameId: string | null | undefined): string {
  const game = gameId ? games.get(gameId) : undefined;
  if (!game) return gameId ? gameId.slice(0, 8) : '–';
  return `${game.awayTeam.abbreviation} @ ${game.homeTeam.abbreviation}`;
}

/** Games and markets change rarely: read again when a position names an unknown one, and every so often. */
async function loadReferenceData(positions: Position[]): Promise<void> {
  const due = refreshes % REFERENCE_EVERY_REFRESHES === 0;
  if (due || positions.some((p) => !markets.has(p.marketId))) {
    for (const market of await api.all<Market>('/v1/markets')) markets.set(market.id, market);
  }
  const gameIds = [...markets.values()].map((m) => m.gameId).filter((id): id is string => id !== null);
  if (due || gameIds.some((id) => !games.has(id))) {
    for (const game of await api.all<Game>('/v1/games')) games.set(game.id, game);
  }
}

function renderBankroll(): void {
  const points = [...bankrollPoints.entries()].sort(([a], [b]) => a - b).map(([, point]) => point);
  const xs = points.map((p) => p.atSec);
  const ys = points.map((p) => p.balanceMicros);
  const last = points.at(-1);
  panelEmpty('panel-bankroll', last ? undefined : 'no data');
  byId('bankroll-points').textContent = String(points.length);
  if (!last) return;
  const peak = Math.max(...ys);
  byId('bankroll-balance').textContent = formatDollars(last.balanceMicros);
  byId('bankroll-drawdown').textContent = `${drawdownBps(last.balanceMicros, peak)} bps`;
  const data: uPlot.AlignedData = [xs, ys];
  if (chart) {
    chart.setData(data);
    return;
  }
  const container = byId('bankroll-chart');
  chart = new uPlot(
    {
      width: Math.max(container.clientWidth, 320),
      height: 240,
      scales: {
        x: {
          time: true,
          range: (_u, min, max) => (min === max ? [min - LONE_POINT_SPAN_SEC, max + LONE_POINT_SPAN_SEC] : [min, max]),
        },
      },
      series: [
        {},
        {
          label: 'paper bankroll',
          stroke: '#58a6ff',
          fill: 'rgba(88, 166, 255, 0.12)',
          width: 2,
          points: { show: true, size: 5 },
          value: (_u, v) => (v === null ? '–' : formatDollars(Math.round(v))),
        },
      ],
      axes: [
        { stroke: '#8b98a5', grid: { stroke: '#2a3642' } },
        {
          stroke: '#8b98a5',
          grid: { stroke: '#2a3642' },
          size: 90,
          values: (_u, splits) => splits.map((v) => formatDollars(Math.round(v))),
        },
      ],
    },
    data,
    container,
  );
}

/**
 * The whole history on the first refresh, then what changed since the newest change seen. `since` is inclusive, so
 * that change comes again and the map drops the repeat. Each change is written under the bankroll's lock, so one
 * committed after the newest seen never carries an earlier time.
 */
async function refreshBankroll(): Promise<void> {
  const changes = await api.all<BankrollChange>('/v1/bankroll/history', { mode: 'paper', since: bankrollSince });
  for (const change of changes) {
    bankrollPoints.set(change.version, { atSec: Date.parse(change.at) / 1000, balanceMicros: change.balanceMicros });
  }
  bankrollSince = changes.at(-1)?.at ?? bankrollSince;
  renderBankroll();
}

async function refreshSignals(): Promise<void> {
  for (const signal of await api.all<Signal>('/v1/signals', { since: signalsSince })) signals.set(signal.id, signal);
  const all = [...signals.values()].sort((a, b) => b.decidedAt.localeCompare(a.decidedAt) || b.id.localeCompare(a.id));
  // `since` is inclusive: the next read starts at the newest decision seen, and the map drops the repeat.
  signalsSince = all[0]?.decidedAt;
  panelEmpty('panel-signals', all.length ? undefined : 'no data');
  fill(
    'signals-body',
    all
      .slice(0, LATEST_SIGNALS)
      .map((s) => [
        text(time(s.decidedAt)),
        text(s.decision, s.decision),
        text(s.reason),
        text(s.mode),
        num(s.edgeBps === null ? '–' : `${s.edgeBps} bp`),
        num(s.winProbability === null ? '–' : Number(s.winProbability).toFixed(3)),
        num(s.sizeHundredths === null ? '–' : contracts(s.sizeHundredths)),
        s.stakeMicros === null ? num('–') : money(s.stakeMicros),
      ]),
  );
  const counts = new Map<string, number>();
  for (const s of all) if (s.decision === 'rejected') counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  const accepted = all.filter((s) => s.decision === 'accepted').length;
  panelEmpty('panel-decisions', all.length ? undefined : 'no data');
  fill('decisions-body', [
    [text('candidates evaluated'), num(String(all.length))],
    [text('accepted', 'accepted'), num(String(accepted))],
    [text('rejected', 'rejected'), num(String(all.length - accepted))],
    ...[...counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([reason, n]) => [text(`rejected: ${reason}`, 'rejected'), num(String(n))]),
  ]);
}

async function refreshPositions(): Promise<void> {
  const positions = await api.all<Position>('/v1/positions', { mode: 'paper' });
  await loadReferenceData(positions);
  const gameOf = (p: Position) => markets.get(p.marketId)?.gameId ?? null;
  const open = positions.filter((p) => p.status === 'open').sort((a, b) => b.openedAt.localeCompare(a.openedAt));
  panelEmpty('panel-positions', open.length ? undefined : 'no data');
  fill(
    'positions-body',
    open.map((p) => {
      const market = markets.get(p.marketId);
      return [
        text(time(p.openedAt)),
        text(gameLabel(gameOf(p))),
        text(market?.venue ?? '–'),
        text(market?.title ?? market?.venueMarketId ?? p.marketId.slice(0, 8)),
        text(p.side.toUpperCase()),
        num(contracts(p.quantityHundredths)),
        money(p.costMicros),
        money(p.feesMicros),
      ];
    }),
  );

  const byGame = new Map<string, { positions: number; open: number; atRiskMicros: number; realizedMicros: number }>();
  // Every game with a market shows, traded or not: a game without a trade is a finding too.
  for (const market of markets.values()) {
    if (market.gameId && !byGame.has(market.gameId)) {
      byGame.set(market.gameId, { positions: 0, open: 0, atRiskMicros: 0, realizedMicros: 0 });
    }
  }
  for (const p of positions) {
    const key = gameOf(p) ?? 'unknown';
    const row = byGame.get(key) ?? { positions: 0, open: 0, atRiskMicros: 0, realizedMicros: 0 };
    row.positions += 1;
    if (p.status === 'open') {
      row.open += 1;
      row.atRiskMicros += p.costMicros + p.feesMicros;
    }
    row.realizedMicros += p.realizedPnlMicros ?? 0;
    byGame.set(key, row);
  }
  const rows = [...byGame.entries()].sort(([a], [b]) => gameLabel(a).localeCompare(gameLabel(b)));
  const total = rows.reduce(
    (sum, [, r]) => ({
      positions: sum.positions + r.positions,
      open: sum.open + r.open,
      atRiskMicros: sum.atRiskMicros + r.atRiskMicros,
      realizedMicros: sum.realizedMicros + r.realizedMicros,
    }),
    { positions: 0, open: 0, atRiskMicros: 0, realizedMicros: 0 },
  );
  panelEmpty('panel-pnl', rows.length ? undefined : 'no data');
  fill(
    'pnl-body',
    rows.length
      ? [...rows.map(([gameId, r]) => [text(gameLabel(gameId)), ...pnlCells(r)]), [text('total'), ...pnlCells(total)]]
      : [],
  );
}

function pnlCells(r: { positions: number; open: number; atRiskMicros: number; realizedMicros: number }): Cell[] {
  return [num(String(r.positions)), num(String(r.open)), num(formatDollars(r.atRiskMicros)), money(r.realizedMicros)];
}

function renderKillSwitch(): void {
  const button = byId<HTMLButtonElement>('kill-switch-button');
  const state = byId('kill-switch-state');
  if (!killSwitch) {
    state.textContent = '–';
    button.disabled = true;
    return;
  }
  state.textContent = killSwitch.engaged ? 'ENGAGED' : 'released';
  state.className = `figure ${killSwitch.engaged ? 'engaged' : 'released'}`;
  byId('kill-switch-detail').textContent = killSwitch.updatedAt
    ? `${killSwitch.reason ?? ''} (by ${killSwitch.updatedBy ?? '?'} at ${time(killSwitch.updatedAt)})`
    : 'never set';
  button.dataset.action = killSwitch.engaged ? 'release' : 'engage';
  button.textContent = killSwitch.engaged ? 'Release kill switch' : 'Engage kill switch';
  button.disabled = principal?.role !== 'admin';
}

async function refreshKillSwitch(): Promise<void> {
  if (principal?.role !== 'admin') {
    killSwitch = undefined;
    renderKillSwitch();
    panelEmpty('panel-kill-switch', 'admin only');
    return;
  }
  const writes = killSwitchWrites;
  const view = await api.get<KillSwitchView>('/v1/kill-switch');
  if (writes !== killSwitchWrites) return;
  killSwitch = view;
  renderKillSwitch();
  panelEmpty('panel-kill-switch', undefined);
}

const ms = (value: number | null) => (value === null ? '–' : `${value} ms`);
const count = (value: unknown) => (typeof value === 'number' ? String(value) : '–');

function latencyRow(label: string, summary: Percentiles | undefined): Cell[] {
  if (!summary) return [text(label), num('–'), num('–'), num('–')];
  return [text(label), num(ms(summary.p50)), num(ms(summary.p99)), num(String(summary.count))];
}

async function refreshRunStatus(): Promise<void> {
  let status: RunStatus;
  try {
    status = await api.get<RunStatus>('/local/v1/run');
  } catch (error) {
    for (const id of ['panel-latency', 'panel-queues', 'panel-dlq', 'panel-progress']) panelEmpty(id, noData(error));
    return;
  }
  const latency = status.latencyMs;
  const hasLatency = Boolean(latency?.candidateToDecision?.count || latency?.feedToCandidate?.count);
  panelEmpty('panel-latency', hasLatency ? undefined : 'no data');
  fill(
    'latency-body',
    latency && hasLatency
      ? [
          [text(''), num('p50'), num('p99'), num('n')],
          latencyRow('candidate to decision', latency.candidateToDecision),
          latencyRow('feed message to candidate', latency.feedToCandidate),
        ]
      : [],
  );
  const queues = Object.entries(status.queues ?? {}).flatMap(([name, q]) => (q ? [{ name, ...q }] : []));
  panelEmpty('panel-queues', queues.length ? undefined : 'no data');
  fill(
    'queues-body',
    queues.map((q) => [text(q.name), num(count(q.depth)), num(count(q.inFlight))]),
  );
  panelEmpty('panel-dlq', queues.length ? undefined : 'no data');
  fill(
    'dlq-body',
    queues.map((q) => [text(`${q.name} DLQ`), num(count(q.dlq), q.dlq > 0 ? 'negative' : '')]),
  );
  const hasProgress = status.messages !== undefined || status.progress !== undefined;
  panelEmpty('panel-progress', hasProgress ? undefined : 'no data');
  byId('progress-feed').textContent = status.feed ?? '';
  const candidates = Object.entries(status.candidates ?? {});
  fill(
    'progress-body',
    hasProgress
      ? [
          [text('phase'), text(status.phase ?? '–')],
          [text('feed done'), num(status.progress === undefined ? '–' : `${(status.progress * 100).toFixed(1)}%`)],
          [text('messages'), num(count(status.messages))],
          [
            text('parse failures %'),
            num(status.parseFailuresPer1000 === undefined ? '–' : (status.parseFailuresPer1000 / 10).toFixed(3)),
          ],
          ...candidates.map(([kind, n]) => [text(`candidates: ${kind}`), num(count(n))]),
          [text('candidates sent'), num(count(status.published))],
        ]
      : [],
  );
}

async function refresh(): Promise<void> {
  const status = byId('status');
  try {
    principal ??= await api.principal();
  } catch (error) {
    status.dataset.state = 'error';
    status.textContent = `cannot get a token: ${noData(error)}`;
    return;
  }
  const results = await Promise.all([
    panel('panel-bankroll', refreshBankroll),
    panel('panel-signals', refreshSignals),
    panel('panel-positions', refreshPositions),
    panel('panel-kill-switch', refreshKillSwitch),
    panel('panel-latency', refreshRunStatus),
  ]);
  refreshes += 1;
  status.dataset.state = results.every(Boolean) ? 'ok' : 'error';
  status.dataset.refreshes = String(refreshes);
  status.textContent = `${principal.role} ${principal.sub} · updated ${new Date().toLocaleTimeString()}`;
}

function onKillSwitchSubmit(event: SubmitEvent): void {
  event.preventDefault();
  if (!killSwitch) return;
  const button = byId<HTMLButtonElement>('kill-switch-button');
  const input = byId<HTMLInputElement>('kill-switch-reason');
  const engaged = !killSwitch.engaged;
  const reason = input.value.trim() || (engaged ? 'engaged from the dashboard' : 'released from the dashboard');
  button.disabled = true;
  killSwitchWrites += 1;
  void api
    .request<KillSwitchView>('PUT', '/v1/kill-switch', { engaged, reason })
    .then((view) => {
      killSwitchWrites += 1;
      killSwitch = view;
      input.value = '';
      panelEmpty('panel-kill-switch', undefined);
    })
    .catch((error: unknown) => panelEmpty('panel-kill-switch', `not changed: ${noData(error)}`))
    .finally(renderKillSwitch);
}

async function loop(): Promise<void> {
  await refresh();
  setTimeout(() => void loop(), REFRESH_MS);
}

byId<HTMLFormElement>('kill-switch-form').addEventListener('submit', onKillSwitchSubmit);
void loop();
