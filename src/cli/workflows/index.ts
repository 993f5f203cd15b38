// The workflows by name; each lives in its own file beside this one.
import type { Workflow } from './workflow.js';
import { amslWorkflow } from './amsl.js';
import { labelledChannelsWorkflow } from './labelled-channels.js';

export const workflows: Workflow[] = [amslWorkflow, labelledChannelsWorkflow];
