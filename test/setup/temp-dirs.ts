// The servers a test file started have stopped by the end of the file (its own afterAll hooks ran
// first): the temp directories the helpers made for it go now. Vitest ends its worker processes
// without an 'exit' event, so the helpers' exit handler alone would leave them.
import { afterAll } from 'vitest';
import { removeMadeTempDirs } from '../helpers/temp-dirs.ts';

afterAll(removeMadeTempDirs);
