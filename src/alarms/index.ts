// Public API of the alarms layer: from per-step scores and flags to incidents
// people act on (with severity and culprit channels), and the drift guard.
export type { Incident, ChannelShare } from './incident.js';
export { incidentLength, incidentDurationMs, bySeverity, isoTime } from './incident.js';
export { DEFAULT_EVENT_RULES, checkEventRules, type EventRules } from './event-rules.js';
export {
  IncidentTracker,
  type TrackerStep,
  type TrackerOptions,
  type TrackerUpdate,
} from './incident-tracker.js';
export { SeverityScale } from './severity.js';
export { rankChannels, sumContributions, channelNamesOr } from './culprits.js';
export {
  DriftGuard,
  describeDrift,
  type DriftOptions,
  type DriftFinding,
  type DriftStep,
} from './drift-guard.js';
export { pruneIncidents } from './prune.js';
export {
  detectIncidents,
  type DetectIncidentsOptions,
  type IncidentDetection,
  findIncidents,
  DEFAULT_PRUNE,
  type FindIncidentsOptions,
} from './detect-incidents.js';
export {
  firstRunSettings,
  correlationLength,
  OPEN_RATE_DIVISOR,
  type FirstRunSettings,
} from './first-run.js';
export {
  detectorIncidents,
  contributionNames,
  type DetectorIncidents,
} from './detector-incidents.js';
export {
  formatDuration,
  incidentDuration,
  culpritText,
  incidentToJson,
  incidentsToCsv,
  incidentTable,
  incidentSummary,
  stepMilliseconds,
} from './incident-files.js';
export { evaluateIncidents, type IncidentEvaluation } from './incident-evaluation.js';
