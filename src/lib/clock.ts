/** The time source every time-dependent rule reads, so tests can move time by hand. */
export interface Clock {
  now(): Date;
}
