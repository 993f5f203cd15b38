// The workflows by name; each lives in its own file beside this one.
import type { Workflow } from './workflow.js';
import { amslWorkflow } from './amsl.js';
import { labelledChannelsWorkflow } from './labelled-channels.js';
import { spectrumWorkflow } from './spectrum.js';
import { sineWorkflow } from './sine.js';
import { imagesWorkflow } from './images.js';

export const workflows: Workflow[] = [
  amslWorkflow,
  labelledChannelsWorkflow,
  spectrumWorkflow,
  sineWorkflow,
  imagesWorkflow,
];
