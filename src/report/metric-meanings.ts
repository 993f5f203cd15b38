// One line per metric, shown beside its value in the report.
export const METRIC_MEANINGS: Record<string, string> = {
  auc_roc: 'chance that a labelled anomalous step scores above a normal one (1 = perfect ranking)',
  auc_pr: 'average precision over all thresholds (area under precision-recall)',
  auc_pr_trapezoid: 'area under the precision-recall curve by the trapezoid rule',
  vus_roc:
    'ROC area averaged over label boundaries widened by 0..100 steps (volume under the surface)',
  vus_pr: 'precision-recall area averaged over widened label boundaries',
  threshold: 'score above which a step is flagged',
  threshold_kind:
    'how the threshold was set (fpr: at a target false-positive rate on held-out normal data; evt: extrapolated from its tail)',
  precision: 'share of flagged steps that are labelled anomalous',
  recall: 'share of labelled anomalous steps that are flagged',
  f1: 'harmonic mean of step precision and recall',
  accuracy: 'share of steps classified as labelled',
  detection_ratio: 'share of normal steps left unflagged (specificity)',
  fpr: 'realised false-positive rate: share of normal steps flagged',
  events_tp: 'labelled ranges overlapped by a flagged run',
  events_fp: 'flagged runs overlapping no labelled range',
  events_fn: 'labelled ranges no flagged run overlaps',
  events_precision:
    'flagged runs that overlap a label, as a share (raw runs, before incident rules)',
  events_recall: 'labelled ranges overlapped by a flagged run, as a share',
  events_f1: 'harmonic mean of event precision and recall',
  diagnostic_point_adjusted_f1:
    'F1 when a whole labelled range counts as found once any step is flagged (optimistic; a diagnostic only)',
  steps: 'steps examined',
  anomalous_steps: 'labelled anomalous steps',
  incidents: 'incidents reported',
  incident_true_positives: 'incidents that overlap a labelled anomaly',
  incident_false_positives: 'incidents that overlap no labelled anomaly',
  incident_precision: 'share of incidents that are true',
  incident_recall: 'share of labelled anomalies that some incident overlaps',
};
