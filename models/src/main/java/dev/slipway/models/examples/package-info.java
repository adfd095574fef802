/**
 * Example data shipped with Slipway, so that demos and tutorials need no download:
 * {@link dev.slipway.models.examples.ChurnGenerator}.
 */
package dev.slipway.models.examples;
