import type { KillSwitchView, PutKillSwitchBody } from '../contracts/api/kill-switch.ts';
import type { KillSwitchRow } from '../ports/api/kill-switch.ts';
import type { ApiDeps } from './deps.ts';
import type { Actor } from './principal.ts';

function toView(row: KillSwitchRow | undefined): KillSwitchView {
  if (!row) return { engaged: false, reason: null, updatedBy: null, updatedAt: null };
  return {
    engaged: row.engaged,
    reason: row.reason,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at.toISOString(),
  };
}

export async function getKillSwitch(deps: ApiDeps): Promise<KillSwitchView> {
  return toView(await deps.store.killSwitch.read());
}

export function setKillSwitch(deps: ApiDeps, actor: Actor, body: PutKillSwitchBody): Promise<KillSwitchView> {
  return deps.store.transaction(async (tx) => {
    const row = await tx.killSwitch.write({ ...body, updatedBy: actor.sub });
    await tx.audit.append({
      actor: actor.sub,
      action: body.engaged ? 'kill_switch.engage' : 'kill_switch.release',
      resourceType: 'kill_switch',
      resourceId: null,
      requestId: actor.requestId,
      details: { reason: body.reason },
    });
    return toView(row);
  });
}
