/** Public surface of the dock simulator (used by the mock server, the CLI and tests). */
export {
  SimulatedDock,
  startSimulatedDock,
  INVALID_PARAMETERS,
  type SimulatedDockOptions,
  type SimLogger,
  type DjiMessage,
  type RequestSchedule,
  type MessageRecord,
  type HandledCommand,
  type CommandResult,
  type SentEvent,
  type SentRequest,
} from './dock.js';
export { Fleet, startFleet, type FleetOptions, type FleetDockSpec } from './fleet.js';
export { RuleBook, parseRule, DEFAULT_FAIL_CODE, type ScenarioRule, type Outcome, type MessageKey, type ListedRule } from './rules.js';
export { checkData, type DataIssue } from './validate.js';
export { planProgress, inProgressStatus, type PlannedEvent } from './progress.js';
export { KNOWN_REQUESTS, requestData, type RequestContext } from './requests.js';
