// The list of CLI commands. Each entry adds one subcommand to the program.
import type { Command } from 'commander';
import { registerNabScore } from './nab-score.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerNabScore];
