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
