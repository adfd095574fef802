/**
 * DVC-compatible data versioning: the files and cache of a DVC 3 repository, byte for byte.
 *
 * <ul>
 *   <li>{@link dev.slipway.data.FileHasher} hashes one file (DVC 3 raw-bytes MD5, or DVC 2's
 *       legacy dos2unix rule for entries without {@code hash: md5});</li>
 *   <li>{@link dev.slipway.data.WorkspaceHasher} walks folders as DVC does and hashes files in
 *       parallel, skipping those the {@link dev.slipway.data.StateCache} knows;</li>
 *   <li>{@link dev.slipway.data.DirectoryListing} is a {@code .dir} object (Python
 *       {@code json.dumps} bytes, code-point order);</li>
 *   <li>{@link dev.slipway.data.DvcFile} reads and writes {@code .dvc} pointer files;</li>
 *   <li>{@link dev.slipway.data.LocalCache} stores, verifies and links objects in
 *       {@code .dvc/cache};</li>
 *   <li>{@link dev.slipway.data.Repository} ties them into {@code init}, {@code add},
 *       {@code status}, {@code checkout} and {@code commit}.</li>
 * </ul>
 */
package dev.slipway.data;
