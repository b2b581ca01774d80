// SPDX-License-Identifier: Apache-2.0
// Copies the page's HTML next to the bundle esbuild wrote into dist/.
import { copyFileSync, mkdirSync } from 'node:fs';

mkdirSync('dist', { recursive: true });
copyFileSync('index.html', 'dist/index.html');
