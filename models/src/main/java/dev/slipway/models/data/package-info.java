/**
 * Streaming CSV: {@link dev.slipway.models.data.CsvReader} (RFC 4180 with a header, constant
 * memory, errors that name file, row and column) and {@link dev.slipway.models.data.CsvWriter};
 * {@link dev.slipway.models.data.RowValues} is the view of one row that scoring reads.
 */
package dev.slipway.models.data;
