/** The trainer's commands for the `ganforge` program: train and eval. */
export { INTERRUPTED_EXIT, TERMINATED_EXIT, runCli, trainCommand } from './command';
export { evalCommand } from '../eval/cli';
