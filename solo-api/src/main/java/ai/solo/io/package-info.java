/** Small tensors on the Java heap and the safetensors files that hold them. */
package ai.solo.io;
