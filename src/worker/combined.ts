/**
 * The worker file the package ships: one script for both worker modes. Each entry reacts only to
 * its own kind of start (`connect` events for a SharedWorker, `message`s for the dedicated one);
 * the other entry's host stays idle.
 */
import './shared';
import './dedicated';
