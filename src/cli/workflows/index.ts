// The workflows by name; each lives in its own file beside this one.
import type { Workflow } from './workflow.js';

export const workflows: Workflow[] = [];
