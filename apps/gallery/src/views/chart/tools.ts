/** The controls under a chart: log scale, x axis in steps or wall time, reset zoom, CSV and JSON. */
import { el } from '../../dom';

export interface ToolActions {
  log(on: boolean): void;
  axis(wall: boolean): void;
  resetZoom(): void;
  download(kind: 'csv' | 'json'): void;
}

export interface ToolState {
  log: boolean;
  canLog: boolean;
  wall: boolean;
  canWall: boolean;
  zoomed: boolean;
}

export class ChartTools {
  readonly host = el('div', { class: 'chart-tools' });
  private readonly logBox = el('input', { class: 'chart-log', attrs: { type: 'checkbox' } });
  private readonly logLabel = el('label', { class: 'chart-tool' }, this.logBox, ' log scale');
  private readonly axis = el('select', { class: 'chart-axis', attrs: { 'aria-label': 'x axis' } });
  private readonly reset = el('button', {
    class: 'chart-reset',
    text: 'Reset zoom',
    attrs: { type: 'button', title: 'Drag across the chart to zoom in; double-click also resets' },
  });

  /** `xName`: what the x axis counts (step, epoch). */
  constructor(actions: ToolActions, xName: string) {
    this.axis.append(
      el('option', { text: `x: ${xName}`, attrs: { value: 'step' } }),
      el('option', { text: 'x: wall time', attrs: { value: 'wall' } }),
    );
    const csv = el('button', { class: 'chart-csv', text: 'CSV', attrs: { type: 'button' } });
    const json = el('button', { class: 'chart-json', text: 'JSON', attrs: { type: 'button' } });
    csv.title = 'Download the data as CSV';
    json.title = 'Download the data as JSON';
    this.logBox.addEventListener('change', () => actions.log(this.logBox.checked));
    this.axis.addEventListener('change', () => actions.axis(this.axis.value === 'wall'));
    this.reset.addEventListener('click', () => actions.resetZoom());
    csv.addEventListener('click', () => actions.download('csv'));
    json.addEventListener('click', () => actions.download('json'));
    this.host.append(
      this.logLabel,
      this.axis,
      this.reset,
      el('span', { class: 'chart-downloads' }, 'Data: ', csv, ' ', json),
    );
  }

  sync(s: ToolState): void {
    this.logBox.checked = s.log;
    this.logLabel.hidden = !s.canLog && !s.log;
    this.axis.value = s.wall ? 'wall' : 'step';
    this.axis.hidden = !s.canWall;
    this.reset.hidden = !s.zoomed;
  }
}
