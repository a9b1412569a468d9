/**
 * Types entry of @ganforge/inference. At run time bundlers and Node pick browser.ts or node.ts
 * (package.json "exports"); both export the same API from api.ts plus loadGenerator. Node only:
 * writeGrid, writeImage, writeScatter, encodeImage, encodeGrid, encodeScatter. Browser only: toImageData, toGridImageData, drawToCanvas.
 */
export * from './node';
export { toImageData, toGridImageData, drawToCanvas } from './browser';
