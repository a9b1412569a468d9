/**
 * Debian's headless Chromium (`/usr/bin/chromium`, or `CHROMIUM_PATH` from the environment) through
 * playwright-core, which the app installs itself (an optional peer dependency of the SDK). The flags keep
 * it from reaching for hosts a closed network refuses (background networking, component updates, sync).
 */
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Flags that give headless Chromium a WebGPU adapter without a GPU: SwiftShader, a Vulkan on the CPU
 * (correct, and far slower than a GPU). Add them to `launchChromium({ args })`.
 */
export const WEBGPU_SOFTWARE_ARGS: readonly string[] = [
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
];

export interface ChromiumOptions extends LaunchOptions {
  /** Leave the GPU on (no `--disable-gpu`), for WebGPU on a hardware adapter; default false. */
  gpu?: boolean;
}

/** Launches headless Chromium with CHROMIUM_ARGS (plus `options.args`). */
export function launchChromium({ gpu = false, ...options }: ChromiumOptions = {}): Promise<Browser> {
  const base = gpu ? CHROMIUM_ARGS.filter((a) => a !== '--disable-gpu') : CHROMIUM_ARGS;
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    ...options,
    args: [...base, ...(options.args ?? [])],
  });
}
