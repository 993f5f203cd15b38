// What a training run reports: one record per epoch, and the summary at the end
// (the trainer writes them; detectors hand them to their callers).
export interface EpochReport {
  epoch: number;
  loss: number;
  validationLoss?: number;
  seconds: number;
}

export interface TrainingSummary {
  epochs: number;
  bestEpoch: number;
  finalLoss: number;
  bestValidationLoss?: number;
  stoppedEarly: boolean;
  seconds: number;
  history: EpochReport[];
}

/**
 * The report of a fit that is one pass, not epochs (an SVM, a baseline): one
 * epoch whose loss is the mean training score, announced through onEpoch.
 */
export function singlePassSummary(
  started: number,
  loss: number,
  validationLoss: number | undefined,
  onEpoch?: (report: EpochReport) => void,
): TrainingSummary {
  const report: EpochReport = { epoch: 1, loss, seconds: (performance.now() - started) / 1000 };
  if (validationLoss !== undefined) report.validationLoss = validationLoss;
  onEpoch?.(report);
  return {
    epochs: 1,
    bestEpoch: 1,
    finalLoss: loss,
    bestValidationLoss: validationLoss,
    stoppedEarly: false,
    seconds: report.seconds,
    history: [report],
  };
}
