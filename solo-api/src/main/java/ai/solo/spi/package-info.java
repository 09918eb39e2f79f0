/**
 * How an implementation plugs into the API: {@link ai.solo.spi.SoloProvider}, found through
 * {@link java.util.ServiceLoader}. Only implementers need this package.
 */
package ai.solo.spi;
