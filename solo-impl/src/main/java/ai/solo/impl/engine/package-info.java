/** DJL engine start-up, devices and data types: the only code that chooses an engine. */
package ai.solo.impl.engine;
