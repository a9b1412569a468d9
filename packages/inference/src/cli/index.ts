/** The SDK's commands for the `ganforge` program: sample and interpolate (Node only). */
export { interpolateCommand, sampleCommand } from './commands';
export { main } from './main';
