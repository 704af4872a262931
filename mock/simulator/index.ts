/** Public surface of the dock simulator (used by the mock server, the CLI and tests). */
export { SimulatedDock, startSimulatedDock } from './dock.js';
export type {
  SimulatedDockOptions,
  SimLogger,
  DjiMessage,
  RequestSchedule,
  MessageRecord,
  HandledCommand,
  CommandResult,
  SentEvent,
  SentRequest,
  RequestHandle,
} from './types.js';
export { INVALID_PARAMETERS } from './answer.js';
export type { Script, Behaviour, ProgressScript, ReceivedCommand } from './script.js';
export { Fleet, startFleet, type FleetOptions, type FleetDockSpec } from './fleet.js';
export { RuleBook, parseRule, DEFAULT_FAIL_CODE, type ScenarioRule, type Outcome, type MessageKey, type ListedRule } from './rules.js';
export { checkData, type DataIssue } from './validate.js';
export { planProgress, inProgressStatus, type PlannedEvent } from './progress.js';
export { KNOWN_REQUESTS, requestData, type RequestContext } from './requests.js';
