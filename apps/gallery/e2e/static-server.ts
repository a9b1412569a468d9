/**
 * The gallery's test server: the SDK's (`@ganforge/inference/testing`: pre-compressed copies, cache
 * headers like a static host, a log of the bytes sent) with the content types of the site's files.
 */
import { serveStatic as serve, type StaticServer } from '@ganforge/inference/testing';
import { CONTENT_TYPES } from '../scripts/content-types';

export type { StaticServer };

export const serveStatic = (root: string): Promise<StaticServer> => serve(root, { types: CONTENT_TYPES });
