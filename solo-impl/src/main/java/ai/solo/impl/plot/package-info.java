/**
 * Charts drawn with Java2D in the SDK's house style: {@link ai.solo.impl.plot.PlotCanvas} (frame,
 * palette, fonts, text that degrades without fonts, atomic PNG write) and axes.
 */
package ai.solo.impl.plot;
