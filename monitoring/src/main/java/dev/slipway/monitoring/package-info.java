/**
 * Production monitoring: drift tests per column with Evidently's default choice of method, data quality of live
 * inputs, live model quality from feedback, and the mergeable sketches (quantiles, frequencies) that keep a
 * window of any size in bounded memory.
 */
package dev.slipway.monitoring;
