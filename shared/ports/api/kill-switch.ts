/** The single kill_switch row; the signal evaluator reads the same row before accepting anything. */
export interface KillSwitchRow {
  engaged: boolean;
  reason: string | null;
  updated_by: string;
  updated_at: Date;
}

export interface KillSwitchStore {
  read(): Promise<KillSwitchRow | undefined>;
  /**
   * Sets the switch after taking every bankroll row's lock, the lock each evaluator batch holds from its snapshot to
   * its commit: once an engage has returned, no trade commits.
   */
  write(input: { engaged: boolean; reason: string; updatedBy: string }): Promise<KillSwitchRow>;
}
