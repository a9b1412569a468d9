/** The exporter's command for the `ganforge` program: export generator. */
export { exportCommand } from './export';
