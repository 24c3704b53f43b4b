#!/usr/bin/env node
// The `clockface` command: runs the TypeScript CLI directly under Node through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/main/cli/main.ts');
