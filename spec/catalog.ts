/**
 * The dockgate catalog: every `command_type` (83, seed 004) and every device request type the
 * platform knows. The only place a command is described (docs/architecture.md, invariant 1).
 */
import { DOMAINS, type CommandDef, type Domain } from './types.js';
import { deviceCommands } from './commands/device.js';
import { cameraCommands } from './commands/camera.js';
import { drcCommands } from './commands/drc.js';
import { waylineCommands } from './commands/wayline.js';
import { liveCommands } from './commands/live.js';
import { psdkCommands } from './commands/psdk.js';
import { fileCommands } from './commands/file.js';
import { safetyCommands } from './commands/safety.js';
import { firmwareCommands } from './commands/firmware.js';

/** All commands, in seed 004 order (domain, then command_type). */
export const commands: CommandDef[] = [
  ...deviceCommands,
  ...cameraCommands,
  ...drcCommands,
  ...waylineCommands,
  ...liveCommands,
  ...psdkCommands,
  ...fileCommands,
  ...safetyCommands,
  ...firmwareCommands,
];

/** Lookup by `command_type`. */
export const commandsByType: ReadonlyMap<string, CommandDef> = new Map(commands.map((c) => [c.command_type, c]));

/** Commands grouped by domain, in `DOMAINS` order. */
export function commandsByDomain(list: CommandDef[] = commands): Map<Domain, CommandDef[]> {
  const m = new Map<Domain, CommandDef[]>(DOMAINS.map((d) => [d, []]));
  for (const c of list) m.get(c.domain)!.push(c);
  return m;
}

export { DOMAINS };
export type { CommandDef, Domain };

export { deviceRequests, deviceRequestsByType } from './requests.js';
