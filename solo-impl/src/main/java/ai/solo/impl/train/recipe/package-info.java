/**
 * The recipe file format: a training {@link ai.solo.train.Recipe} as JSON
 * ({@link ai.solo.impl.train.recipe.RecipeCodec}; schema and defaults in {@code docs/RECIPE.md}).
 */
package ai.solo.impl.train.recipe;
