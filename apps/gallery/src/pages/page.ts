/**
 * What the route table (router.ts) points at. A page module puts its page into the app's container from
 * the params its route read out of the URL; the page on screen stays while its key stays the same.
 */
import type { Manifest } from '../manifest';
import type { EarlyLoad } from './model/loading';

/** What the gallery gives every page. */
export interface App {
  /** Where the page draws itself. */
  readonly container: HTMLElement;
  /** The runs as the latest manifest has them (a live gallery's change as it trains). */
  readonly manifest: Manifest;
  /** Goes to `hash`; renders it again when it is the page on screen already. */
  go(hash: string): void;
  /** Opens a generator file the visitor picked or dropped. */
  openFile(file: File): void;
  /**
   * The model load started before the first page was built, when it loads the run file `onnxPath`
   * (under models/); any other is stopped. It is there for the first page only.
   */
  takeEarly(onnxPath: string | undefined): EarlyLoad | undefined;
}

/** A page on screen. */
export interface Screen {
  /** A live gallery's newer manifest, put into the page on screen. */
  refresh?(manifest: Manifest): void;
  /** Stops the page's work (workers, timers) as it leaves the screen. */
  dispose?(): void;
}

export interface PageModule<P> {
  /**
   * Which page `params` show. While it stays the same, the page on screen is handed back to `show`
   * and a live manifest refreshes it; null: a page of its own each time.
   */
  key(params: P, app: App): string | null;
  /**
   * Puts the page for `params` on screen: `current` is the page there when it has the same key (the
   * one shown before is disposed otherwise).
   */
  show(params: P, app: App, current: Screen | undefined): Screen;
}
