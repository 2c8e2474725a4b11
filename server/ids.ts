import { v7 } from 'uuid';

/** Random, unguessable, time-ordered ids (UUIDv7). */
export const newId = (): string => v7();
