/** The trainer's commands for the `ganforge` program: train and eval. */
export { INTERRUPTED_EXIT, TERMINATED_EXIT, runCli, trainCommand } from './train';
export { evalCommand } from './eval';
